import { CfnOutput, Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { DEFAULT_LOG_LEVEL, firehoseSettings, type SluiceConfig } from '../contracts/config.ts';
import { TASKS } from '../contracts/timing.ts';
import { DeploymentEnv } from '../contracts/deployment.ts';
import { Alerts } from './constructs/alerts.ts';
import { FirehoseSource } from './constructs/firehose-source.ts';
import { IngestApi } from './constructs/ingest-api.ts';
import { KinesisSource } from './constructs/kinesis-source.ts';
import { Ledger } from './constructs/ledger.ts';
import { PipelineWorkflow } from './constructs/pipeline-workflow.ts';
import { S3Source } from './constructs/s3-source.ts';
import { SinkSecrets } from './constructs/sink-secrets.ts';
import { SinkTables } from './constructs/sink-tables.ts';
import { Storage } from './constructs/storage.ts';
import { Sweep } from './constructs/sweep.ts';
import { TaskFunctions } from './constructs/task-functions.ts';
import { acceptedFindings, acknowledge, type AcceptedFinding } from './nag-suppressions.ts';
import { chunkWorkflowArn, deliveryStreamArn } from './physical-names.ts';

export interface SluiceStackProps extends StackProps {
  config: SluiceConfig;
}

const pascal = (name: string) => name.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** sluice on AWS: the same workflows the local engine runs, their sources, storage, ledger and alarms. */
export class SluiceStack extends Stack {
  readonly workflows: Record<string, PipelineWorkflow> = {};
  /** The chunk state machine of each s3 pipeline. */
  readonly chunkWorkflows: Record<string, PipelineWorkflow> = {};
  readonly functions: TaskFunctions;
  readonly acceptedFindings: AcceptedFinding[];

  constructor(scope: Construct, id: string, props: SluiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const storage = new Storage(this, 'Storage', { backupExpiryDays: config.retention?.backupDays ?? 30 });
    const ledger = new Ledger(this, 'Ledger');
    const secrets = new SinkSecrets(this, 'Secrets');
    const sinkTables = new SinkTables(this, 'SinkTables', config);
    this.functions = new TaskFunctions(this, 'Tasks', { config, storage, ledger, secrets, sinkTables });
    const alerts = new Alerts(this, 'Alerts');
    // malformed-data alerts: the account step publishes one per batch that quarantined records
    this.functions.byTask.account.addEnvironment(DeploymentEnv.alertTopicArn, alerts.topic.topicArn);
    alerts.grantPublish(this.functions.byTask.account);
    let api: IngestApi | undefined;
    const bridges: lambda.Function[] = [];
    const reingestStreams: string[] = [];
    const ingest = () => (api ??= new IngestApi(this, 'Ingest', config));

    for (const [name, pipeline] of Object.entries(config.pipelines)) {
      const id = pascal(name);
      const workflow = new PipelineWorkflow(this, `${id}Workflow`, { pipeline: name, workflow: pipeline.workflow, functions: this.functions, logLevel: pipeline.logLevel ?? DEFAULT_LOG_LEVEL });
      this.workflows[name] = workflow;
      alerts.watchPipeline(name, workflow.stateMachine);
      if (pipeline.workflow === 'kinesis') {
        const source = new KinesisSource(this, `${id}Kinesis`, { pipeline: name, config: pipeline, stateMachine: workflow.stateMachine });
        ingest().addKinesisRoute(name, source.stream);
        alerts.watchStream(name, source.stream, source.deadLetters);
      } else if (pipeline.workflow === 's3') {
        // each chunk of an object is an execution of its own, started by the object's split (decode)
        this.chunkWorkflows[name] = new PipelineWorkflow(this, `${id}ChunkWorkflow`, { pipeline: name, workflow: 's3-chunk', functions: this.functions, logLevel: pipeline.logLevel ?? DEFAULT_LOG_LEVEL });
        alerts.watchPipeline(`${name}-chunks`, this.chunkWorkflows[name]!.stateMachine);
        iam.Grant.addToPrincipal({ grantee: this.functions.byTask.decode, actions: ['states:StartExecution'], resourceArns: [chunkWorkflowArn(this, name)] });
        const trigger = pipeline.trigger!;
        if (trigger.bucket !== config.buckets.raw) throw new Error(`pipelines.${name}.trigger.bucket: only the raw bucket (${config.buckets.raw}) starts workflows on AWS`);
        const source = new S3Source(this, `${id}S3`, { pipeline: name, bucket: storage.raw, trigger, stateMachine: workflow.stateMachine });
        alerts.watchDeadLetters(name, source.deadLetters);
      } else {
        const settings = firehoseSettings(name, pipeline);
        const source = new FirehoseSource(this, `${id}Firehose`, {
          pipeline: name,
          mode: settings.mode,
          config,
          environment: this.functions.environment,
          stateMachine: workflow.stateMachine,
          work: storage.work,
          backup: storage.backup,
          newRelicKey: secrets.newRelicKey,
          bufferSize: Size.mebibytes(settings.sizeMb),
          bufferInterval: Duration.seconds(settings.intervalSeconds),
        });
        ingest().addFirehoseRoute(name, { arn: source.deliveryStream.attrArn, name: source.deliveryStream.ref });
        if (settings.mode === 'transform') reingestStreams.push(deliveryStreamArn(this, name));
        alerts.watchDeliveryStream(name, source.deliveryStream.ref, settings.mode === 'transform');
        alerts.watchFunction(`${id}Bridge`, source.bridge.function);
        bridges.push(source.bridge.function);
      }
    }
    const sweep = new Sweep(this, 'Sweep', {
      config,
      environment: this.functions.environment,
      storage,
      ledger,
      stateMachines: Object.fromEntries(Object.entries(this.workflows).map(([name, workflow]) => [name, workflow.stateMachine])),
    });
    alerts.watchFunction('Sweep', sweep.function);
    // records put back on their delivery stream: answers that do not fit in a response (account), a failed batch redriven (sweep)
    if (reingestStreams.length > 0) {
      for (const grantee of [this.functions.byTask.account, sweep.function]) iam.Grant.addToPrincipal({ grantee, actions: ['firehose:PutRecordBatch'], resourceArns: reingestStreams });
    }
    new CfnOutput(this, 'SluiceResources', {
      description: 'The ledger, buckets and state machines of this deployment (read by sluice redrive --aws and inspect --aws)',
      value: this.toJsonString({
        ledgerTable: ledger.table.tableName,
        buckets: { raw: storage.raw.bucketName, lake: storage.lake.bucketName, backup: storage.backup.bucketName, work: storage.work.bucketName },
        stateMachines: Object.fromEntries(Object.entries(this.workflows).map(([name, workflow]) => [name, workflow.stateMachine.stateMachineArn])),
        chunkStateMachines: Object.fromEntries(Object.entries(this.chunkWorkflows).map(([name, workflow]) => [name, workflow.stateMachine.stateMachineArn])),
      }),
    });
    // an OpenSearch domain's access policy (or a collection's data access policy) names who may write: its endpoint is a
    // secret set after deploy, so the stack cannot grant it; the deliver role is what to name there
    new CfnOutput(this, 'DeliverRoleArn', {
      description: 'The role the deliver Lambda signs OpenSearch requests with: allow it in the domain access policy (es:ESHttpPost) or the collection data access policy (aoss:APIAccessAll on the role)',
      value: this.functions.byTask.deliver.role!.roleArn,
    });
    for (const task of TASKS) alerts.watchFunction(pascal(task), this.functions.byTask[task]);
    alerts.drawDashboard();
    this.acceptedFindings = acceptedFindings(this, {
      buckets: [storage.raw, storage.lake, storage.backup, storage.work],
      functions: [...Object.values(this.functions.byTask), ...bridges, sweep.function],
      tables: [ledger.table, ...sinkTables.byName.values()],
      quietPipelines: Object.entries(config.pipelines).filter(([, pipeline]) => (pipeline.logLevel ?? DEFAULT_LOG_LEVEL) !== 'ALL').map(([name]) => name),
    });
    acknowledge(this, this.acceptedFindings);
  }
}
