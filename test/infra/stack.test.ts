import * as iam from 'aws-cdk-lib/aws-iam';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { PIPE_SETTINGS } from '../../contracts/pipe-settings.ts';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { TASKS } from '../../contracts/timing.ts';
import { Names } from '../../workflows/record-chain.ts';
import { functionArnKey, PLACEHOLDERS } from '../../workflows/resources.ts';
import { statements, synth, type Synthesized } from './synth.ts';

let s: Synthesized;
beforeAll(() => {
  s = synth();
}, 120_000);
afterAll(() => s.remove());

/** What differs between the deployed state machines and what they must be; empty when all is well. */
function workflowProblems(synthesized: Synthesized): string[] {
  const problems: string[] = [];
  const functionIds = Object.fromEntries(TASKS.map((task) => [task, synthesized.stack.getLogicalId(synthesized.stack.functions.byTask[task].node.defaultChild as never)]));
  const machines = Object.entries(defaultConfig.pipelines).flatMap(([name, pipeline]): [string, string, keyof typeof workflows][] => [
    [name, `sluice-${name}`, pipeline.workflow],
    ...(pipeline.workflow === 's3' ? [[name, `sluice-${name}-chunks`, 's3-chunk'] as [string, string, keyof typeof workflows]] : []),
  ]);
  for (const [name, machineName, workflow] of machines) {
    const found = synthesized.resources('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineName === machineName);
    if (!found) {
      problems.push(`${name}: no state machine`);
      continue;
    }
    const { Properties: p } = found[1];
    if (p.StateMachineType !== 'EXPRESS') problems.push(`${name}: type ${p.StateMachineType}`);
    if (p.LoggingConfiguration?.Level !== 'ALL' || p.LoggingConfiguration?.IncludeExecutionData !== true) problems.push(`${name}: logging is not ALL with execution data`);
    if (p.TracingConfiguration?.Enabled !== true) problems.push(`${name}: tracing off`);
    if (p.DefinitionString !== renderAsl(workflows[workflow])) problems.push(`${name}: the definition differs from what sluice asl renders`);
    const substitutions = p.DefinitionSubstitutions ?? {};
    if (JSON.stringify(Object.keys(substitutions).sort()) !== JSON.stringify([...PLACEHOLDERS].sort())) problems.push(`${name}: substitutions ${Object.keys(substitutions).join(', ')}`);
    if (substitutions.PipelineName !== name) problems.push(`${name}: PipelineName is ${substitutions.PipelineName}`);
    for (const task of TASKS) {
      if (JSON.stringify(substitutions[functionArnKey(task)]) !== JSON.stringify({ 'Fn::GetAtt': [functionIds[task], 'Arn'] })) problems.push(`${name}: ${task} is not its task function`);
    }
  }
  return problems;
}

const list = (value: unknown): any[] => (Array.isArray(value) ? value : [value]);
const wildcardActions = (json: Record<string, any>) =>
  statements(json).flatMap(({ where, statement }) => list(statement.Action).filter((a: string) => a.includes('*')).map((a: string) => `${where}: ${a}`));

describe('the CDK app', () => {
  it('deploys, per pipeline, an EXPRESS state machine with logging ALL and exactly the ASL sluice asl renders', () => {
    // one per pipeline, and the chunk machine of each s3 pipeline
    const s3Pipelines = Object.values(defaultConfig.pipelines).filter((p) => p.workflow === 's3').length;
    expect(s.resources('AWS::StepFunctions::StateMachine')).toHaveLength(Object.keys(defaultConfig.pipelines).length + s3Pipelines);
    expect(workflowProblems(s)).toStrictEqual([]);
  });

  it('lets a state machine invoke its task functions and nothing else', () => {
    const functionIds = new Set(TASKS.map((task) => s.stack.getLogicalId(s.stack.functions.byTask[task].node.defaultChild as never)));
    const roleIds = s.resources('AWS::StepFunctions::StateMachine').map(([, m]) => m.Properties.RoleArn['Fn::GetAtt'][0]);
    for (const { where, statement } of statements(s.json)) {
      const policy = s.json.Resources[where];
      if (!policy.Properties.Roles?.some((r: any) => roleIds.includes(r.Ref))) continue;
      for (const action of list(statement.Action)) {
        if (!action.startsWith('lambda:')) continue;
        expect(action).toBe('lambda:InvokeFunction');
        for (const resource of list(statement.Resource)) {
          const target = resource['Fn::GetAtt']?.[0] ?? resource['Fn::Join']?.[1]?.[0]?.['Fn::GetAtt']?.[0];
          expect(functionIds.has(target)).toBe(true);
        }
      }
    }
  });

  it("calls decode of a kinesis pipeline through the function's alias named after it (the Pipes batch bare), and may invoke it", () => {
    const decodeId = s.stack.getLogicalId(s.stack.functions.byTask.decode.node.defaultChild as never);
    const kinesis = Object.entries(defaultConfig.pipelines).filter(([, p]) => p.workflow === 'kinesis').map(([name]) => name);
    const aliases = s.resources('AWS::Lambda::Alias').map(([, a]) => a.Properties);
    expect(aliases.map((a) => a.Name).sort()).toStrictEqual([...kinesis].sort());
    // the definition names its alias only in a substituted string: the machine waits for the alias explicitly
    for (const [id, alias] of s.resources('AWS::Lambda::Alias')) {
      const machine = s.resources('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineName === `sluice-${alias.Properties.Name}`)![1];
      expect(machine.DependsOn).toContain(id);
    }
    for (const alias of aliases) {
      expect(alias.FunctionName).toStrictEqual({ Ref: decodeId });
      expect(alias.FunctionVersion['Fn::GetAtt'][1]).toBe('Version');
    }
    expect(renderAsl(workflows.kinesis)).toContain('"Resource": "${DecodeFunctionArn}:${PipelineName}"');
    const roleOf = (name: string) => s.resources('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineName === `sluice-${name}`)![1].Properties.RoleArn['Fn::GetAtt'][0];
    for (const name of kinesis) {
      const qualified = statements(s.json)
        .filter(({ where }) => s.json.Resources[where].Properties.Roles?.some((r: any) => r.Ref === roleOf(name)))
        .flatMap(({ statement }) => list(statement.Resource))
        .filter((r) => JSON.stringify(r) === JSON.stringify({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [decodeId, 'Arn'] }, ':*']] }));
      expect(qualified).toHaveLength(1);
    }
  });

  it('uses no wildcard IAM action anywhere', () => {
    expect(wildcardActions(s.json)).toStrictEqual([]);
  });

  it('keeps each task to its own buckets and table', () => {
    const bucketId = (b: 'raw' | 'lake' | 'backup' | 'work') => s.stack.getLogicalId((s.stack.node.findChild('Storage').node.findChild(b[0]!.toUpperCase() + b.slice(1)) as any).node.defaultChild);
    const reaches = (task: string) => {
      const role = s.stack.getLogicalId((s.stack.functions.byTask[task as (typeof TASKS)[number]].role as iam.Role).node.defaultChild as never);
      const text = JSON.stringify(statements(s.json).filter(({ where }) => s.json.Resources[where].Properties.Roles?.some((r: any) => r.Ref === role)));
      return (['raw', 'lake', 'backup', 'work'] as const).filter((b) => text.includes(bucketId(b)));
    };
    expect(reaches('validate')).toStrictEqual(['work']);
    expect(reaches('enrich')).toStrictEqual(['work']);
    // decode keeps the input from the first step; deliver only stages lake objects; account commits them
    expect(reaches('decode')).toStrictEqual(['raw', 'backup', 'work']);
    expect(reaches('deliver')).toStrictEqual(['work']);
    const sinkTable = s.stack.getLogicalId((s.stack.node.findChild('SinkTables').node.children[0] as any).node.defaultChild);
    const roleOf = (task: (typeof TASKS)[number]) => s.stack.getLogicalId((s.stack.functions.byTask[task].role as iam.Role).node.defaultChild as never);
    const grantsOn = (task: (typeof TASKS)[number]) => JSON.stringify(statements(s.json).filter(({ where }) => s.json.Resources[where].Properties.Roles?.some((r: any) => r.Ref === roleOf(task))));
    expect(grantsOn('deliver')).toContain(sinkTable);
    expect(grantsOn('validate')).not.toContain(sinkTable);
    expect(reaches('backup')).toStrictEqual(['backup', 'work']);
    expect(reaches('account')).toStrictEqual(['raw', 'lake', 'backup', 'work']);
  });

  it('runs every task on the newest Node.js runtime, arm64, bundled by esbuild', () => {
    const functions = s.resources('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Description?.startsWith('sluice'));
    // the six tasks, two Firehose bridges, the sweep, the ingest API's kinesis route
    expect(functions.length).toBe(TASKS.length + 4);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(JSON.stringify(fn.Properties.Environment)).not.toMatch(/"SLUICE_CONFIG"/);
    }
  });

  it('gives each task Lambda the timeout of its Task states, so no attempt outlives its state', () => {
    const timeoutOf = (task: (typeof TASKS)[number]) => {
      const id = s.stack.getLogicalId(s.stack.functions.byTask[task].node.defaultChild as never);
      return s.json.Resources[id].Properties.Timeout as number;
    };
    const definition = JSON.parse(renderAsl(workflows.kinesis));
    for (const task of ['validate', 'enrich', 'deliver', 'account'] as const) {
      const states = Object.values(definition.States as Record<string, any>).filter((state) => state.Resource === `\${${functionArnKey(task)}}`);
      expect(states.length).toBeGreaterThan(0);
      for (const state of states) expect(timeoutOf(task)).toBe(state.TimeoutSeconds);
    }
    // decode also splits whole objects in the s3 workflow: its function takes the longer of the two
    expect(timeoutOf('decode')).toBe(JSON.parse(renderAsl(workflows.s3)).States[Names.split].TimeoutSeconds);
  });

  it("deploys a pipeline's own settings: its logLevel (ERROR without execution data; cdk-nag's SF1 accepted for it, which failed synthesis) and its Pipe batching, the others untouched", () => {
    const config = structuredClone(defaultConfig);
    config.pipelines['s2-telemetry-to-lake']!.logLevel = 'ERROR';
    config.pipelines['s2-telemetry-to-lake']!.pipe = { batchSize: 400, batchingWindowSeconds: 1, parallelizationFactor: 3 };
    config.pipelines['s1-api-to-newrelic']!.retryDurationSeconds = 1800;
    const quiet = synth(config);
    try {
      const logging = Object.fromEntries(quiet.resources('AWS::StepFunctions::StateMachine').map(([, m]) => [m.Properties.StateMachineName, m.Properties.LoggingConfiguration]));
      expect(logging['sluice-s2-telemetry-to-lake']).toMatchObject({ Level: 'ERROR', IncludeExecutionData: false });
      expect(logging['sluice-s3-events-to-archive']).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
      const batching = Object.fromEntries(quiet.resources('AWS::Pipes::Pipe').map(([, p]) => [p.Properties.Name, p.Properties.SourceParameters.KinesisStreamParameters]));
      expect(batching['sluice-s2-telemetry-to-lake']).toMatchObject({ BatchSize: 400, MaximumBatchingWindowInSeconds: 1, ParallelizationFactor: 3 });
      expect(batching['sluice-s3-events-to-archive']).toMatchObject({ BatchSize: 100, MaximumBatchingWindowInSeconds: 5, ParallelizationFactor: 1 });
      // the HTTP endpoint retried for 300 s whatever the pipeline said; the local stream retried as configured
      const [, stream] = quiet.resources('AWS::KinesisFirehose::DeliveryStream').find(([, d]) => d.Properties.HttpEndpointDestinationConfiguration)!;
      expect(stream.Properties.HttpEndpointDestinationConfiguration.RetryOptions).toStrictEqual({ DurationInSeconds: 1800 });
    } finally {
      quiet.remove();
    }
  });

  it('lets only the account step publish malformed-data alerts to the topic, which mails the AlertEmail parameter when one is given', () => {
    const topic = s.resources('AWS::SNS::Topic')[0]![0];
    const account = s.resources('AWS::Lambda::Function').find(([, fn]) => fn.Properties.Description?.includes('account'))!;
    expect(account[1].Properties.Environment.Variables.SLUICE_ALERT_TOPIC_ARN).toStrictEqual({ Ref: topic });
    const publishers = statements(s.json).filter(({ statement }) => list(statement.Action).includes('sns:Publish') && JSON.stringify(statement.Resource).includes(topic));
    const roles = publishers.flatMap(({ where }) => s.json.Resources[where].Properties.Roles.map((r: any) => r.Ref));
    expect(roles).toStrictEqual([account[1].Properties.Role['Fn::GetAtt'][0]]);
    expect(s.json.Parameters.AlertEmail).toMatchObject({ Type: 'String', Default: '' });
    const [, subscription] = s.resources('AWS::SNS::Subscription')[0]!;
    expect(subscription).toMatchObject({ Condition: expect.stringContaining('HasAlertEmail'), Properties: { Protocol: 'email', Endpoint: { Ref: 'AlertEmail' } } });
  });

  it('names the deliver role in an output: what an OpenSearch domain or collection must allow to write (its endpoint comes after deploy)', () => {
    const deliver = s.resources('AWS::Lambda::Function').find(([, fn]) => fn.Properties.Description?.startsWith('sluice deliver:'))!;
    expect(s.json.Outputs.DeliverRoleArn.Value).toStrictEqual({ 'Fn::GetAtt': [deliver[1].Properties.Role['Fn::GetAtt'][0], 'Arn'] });
  });

  it("lets the account's CloudWatch alarms publish to the topic: a key of the stack's own (the AWS managed key cannot let them, and every alarm told no one) and the topic's policy", () => {
    const [topicId, topic] = s.resources('AWS::SNS::Topic')[0]!;
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt']?.[0];
    const key = s.json.Resources[keyId];
    expect(key).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    const fromAlarms = (statement: any) => statement.Principal?.Service === 'cloudwatch.amazonaws.com' && statement.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined;
    expect(key.Properties.KeyPolicy.Statement.filter(fromAlarms).flatMap((statement: any) => list(statement.Action)).sort()).toStrictEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    const [, policy] = s.resources('AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties.Topics).includes(topicId))!;
    expect(policy.Properties.PolicyDocument.Statement.filter(fromAlarms).map((statement: any) => statement.Action)).toStrictEqual(['sns:Publish']);
  });

  it('sweeps, every five minutes, for executions that never finished, and may start only sluice state machines', () => {
    const [, rule] = s.resources('AWS::Events::Rule').find(([, r]) => r.Properties.ScheduleExpression)!;
    expect(rule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    const sweep = s.resources('AWS::Lambda::Function').find(([, fn]) => fn.Properties.Description?.startsWith('sluice sweep'))!;
    expect(JSON.stringify(sweep[1].Properties.Environment.Variables.SLUICE_STATE_MACHINES)).toContain('s4-events-processed');
    const starts = statements(s.json).filter(({ statement }) => JSON.stringify(statement.Action).includes('states:StartSyncExecution'));
    expect(starts.length).toBeGreaterThan(0);
    for (const { statement } of starts) expect(JSON.stringify(statement.Resource)).not.toContain('*');
  });

  it("connects each Kinesis stream to its workflow through a Pipe: REQUEST_RESPONSE, its pipeline's batch (100 by default), 5 s, bounded, with a DLQ", () => {
    const pipes = s.resources('AWS::Pipes::Pipe');
    expect(pipes).toHaveLength(3);
    for (const [, pipe] of pipes) {
      const kinesis = pipe.Properties.SourceParameters.KinesisStreamParameters;
      expect(kinesis).toMatchObject({
        BatchSize: pipe.Properties.Name === 'sluice-s4-events-raw' ? 300 : 100,
        ParallelizationFactor: 1,
        MaximumBatchingWindowInSeconds: 5,
        MaximumRetryAttempts: PIPE_SETTINGS.maximumRetryAttempts,
        OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
        DeadLetterConfig: { Arn: expect.anything() },
      });
      // a shard an hour behind (after an outage) had its records skipped to the DLQ; now only what the stream is about to drop
      expect(kinesis.MaximumRecordAgeInSeconds).toBeGreaterThanOrEqual(20 * 3600);
      expect(kinesis.MaximumRecordAgeInSeconds).toBeLessThan(24 * 3600);
      expect(pipe.Properties.TargetParameters.StepFunctionStateMachineParameters.InvocationType).toBe('REQUEST_RESPONSE');
    }
    for (const [, stream] of s.resources('AWS::Kinesis::Stream')) {
      expect(stream.Properties).toMatchObject({ RetentionPeriodHours: 24, StreamEncryption: { EncryptionType: 'KMS' } });
    }
    for (const [, queue] of s.resources('AWS::SQS::Queue')) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('starts the s3 workflow from Object Created events of the raw bucket under the trigger prefix and suffix', () => {
    const rules = s.resources('AWS::Events::Rule').filter(([, rule]) => rule.Properties.EventPattern);
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.EventPattern).toMatchObject({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { object: { key: [{ wildcard: 'events/*.jsonl' }] } },
    });
    expect(rule.Properties.Targets[0]).toMatchObject({ DeadLetterConfig: expect.anything(), RetryPolicy: expect.anything() });
  });

  it('transforms Firehose records through the bridge with 1 MB / 60 s buffering and keeps failures under processing-failed/', () => {
    const streams = s.resources('AWS::KinesisFirehose::DeliveryStream');
    expect(streams).toHaveLength(2);
    for (const [, stream] of streams) {
      const destination = stream.Properties.HttpEndpointDestinationConfiguration ?? stream.Properties.ExtendedS3DestinationConfiguration;
      const parameters = Object.fromEntries(destination.ProcessingConfiguration.Processors[0].Parameters.map((p: any) => [p.ParameterName, p.ParameterValue]));
      expect(parameters).toMatchObject({ BufferSizeInMBs: '1', BufferIntervalInSeconds: '60' });
      expect(JSON.stringify(parameters.LambdaArn)).toContain('Bridge');
      const errorPrefix = destination.ErrorOutputPrefix ?? destination.S3Configuration.ErrorOutputPrefix;
      expect(errorPrefix).toMatch(/^processing-failed\//);
      expect(stream.Properties.DeliveryStreamEncryptionConfigurationInput).toStrictEqual({ KeyType: 'AWS_OWNED_CMK' });
    }
    const http = streams.find(([, st]) => st.Properties.HttpEndpointDestinationConfiguration)![1].Properties.HttpEndpointDestinationConfiguration;
    expect(http).toMatchObject({ S3BackupMode: 'FailedDataOnly', SecretsManagerConfiguration: { Enabled: true } });
  });

  it('answers 202 on the ingest routes, IAM-authorized, after putting the body on the stream: a kinesis route through its function, which refuses what no Pipe could hand on', () => {
    const methods = s.resources('AWS::ApiGateway::Method');
    expect(methods).toHaveLength(5);
    const [routeId, route] = s.resources('AWS::Lambda::Function').find(([, fn]) => fn.Properties.Description?.startsWith('sluice ingest:'))!;
    for (const [, method] of methods) {
      expect(method.Properties).toMatchObject({ HttpMethod: 'POST', AuthorizationType: 'AWS_IAM', RequestValidatorId: expect.anything() });
      const uri = JSON.stringify(method.Properties.Integration.Uri);
      if (uri.includes(':firehose:')) {
        expect(method.Properties.Integration.IntegrationResponses[0].StatusCode).toBe('202');
        expect(uri).toMatch(/:firehose:action\/PutRecord/);
      } else {
        // API Gateway's own Kinesis integration took an event too large for any Pipe, which then dead-lettered it
        expect(method.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY' });
        expect(uri).toContain(routeId);
      }
    }
    expect(JSON.stringify(route.Properties.Environment.Variables.SLUICE_INGEST_STREAMS)).toContain('s4-events-raw');
    const puts = statements(s.json).filter(({ statement }) => list(statement.Action).includes('kinesis:PutRecord'));
    const roles = puts.flatMap(({ where }) => s.json.Resources[where].Properties.Roles.map((r: any) => r.Ref));
    expect(new Set(roles)).toStrictEqual(new Set([route.Properties.Role['Fn::GetAtt'][0]]));
  });

  it('hardens storage: encryption, versioning, SSL only, no public access, access logs, lifecycle', () => {
    const buckets = s.resources('AWS::S3::Bucket');
    expect(buckets).toHaveLength(5);
    for (const [, bucket] of buckets) {
      expect(bucket.Properties).toMatchObject({
        BucketEncryption: expect.anything(),
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
    }
    const policies = s.resources('AWS::S3::BucketPolicy').map(([, p]) => JSON.stringify(p.Properties.PolicyDocument));
    expect(policies.filter((p) => p.includes('aws:SecureTransport'))).toHaveLength(5);
    const rules = JSON.stringify(buckets.map(([, b]) => b.Properties.LifecycleConfiguration));
    expect(rules).toContain('"StorageClass":"GLACIER","TransitionInDays":90');
    expect(rules).toContain('"ExpirationInDays":1');
    expect(rules).toContain('"ExpirationInDays":30');
    const [, table] = s.resources('AWS::DynamoDB::GlobalTable')[0]!;
    expect(table.Properties).toMatchObject({ BillingMode: 'PAY_PER_REQUEST', TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } });
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toStrictEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.GlobalSecondaryIndexes[0]).toMatchObject({ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'time', KeyType: 'RANGE' }] });
  });

  it('raises the alarms the runbook names, each with an SNS action, on an encrypted topic', () => {
    const alarms = s.resources('AWS::CloudWatch::Alarm');
    const names = alarms.map(([, a]) => a.Properties.AlarmDescription as string).join('\n');
    for (const phrase of ['records wait more than 60 s', 'more than 5% of records quarantined', 'dead-letter queue', 'fewer than 95% of records delivered', 'Firehose data older than 600 s', 'no incoming records for 15 minutes', 'executions failed', 'Lambda errors', 'Lambda throttles']) {
      expect(names).toContain(phrase);
    }
    for (const [, alarm] of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    // nothing reads a dead-letter queue: the first dead letter raises its alarm (ten went unannounced before)
    const deadLetters = alarms.filter(([, a]) => (a.Properties.AlarmDescription as string).includes('dead-letter queue'));
    expect(deadLetters.length).toBeGreaterThan(0);
    for (const [, alarm] of deadLetters) expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    // an HTTP endpoint refusing Firehose's deliveries (what it gives up on is backed up after the ledger counted it
    // delivered, and freshness recovers then) raises an alarm: the New Relic stream's
    const endpoint = alarms.filter(([, a]) => (a.Properties.AlarmDescription as string).includes("of Firehose's requests to the HTTP endpoint succeeded"));
    expect(endpoint.map(([, a]) => a.Properties)).toMatchObject([{ Namespace: 'AWS/Firehose', MetricName: 'DeliveryToHttpEndpoint.Success', Statistic: 'Average', Threshold: 0.95, ComparisonOperator: 'LessThanThreshold' }]);
    const [, topic] = s.resources('AWS::SNS::Topic')[0]!;
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    expect(s.resources('AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('outputs what sluice redrive --aws and inspect --aws need: ledger, buckets, a state machine per pipeline, the chunk machines', () => {
    const value = JSON.stringify(s.json.Outputs.SluiceResources.Value);
    for (const name of Object.keys(defaultConfig.pipelines)) expect(value).toContain(`\\"${name}\\":`);
    for (const key of ['ledgerTable', 'buckets', 'stateMachines', 'backup']) expect(value).toContain(key);
    // inspect --aws reads the chunk executions' log groups from these
    const s3Pipelines = Object.entries(defaultConfig.pipelines).filter(([, p]) => p.workflow === 's3').map(([name]) => name);
    expect(s3Pipelines.length).toBeGreaterThan(0);
    const chunks = value.slice(value.indexOf('chunkStateMachines'));
    expect(chunks).not.toBe(value);
    for (const name of s3Pipelines) expect(chunks).toContain(`\\"${name}\\":`);
  });

  it('gives every accepted cdk-nag finding a reason', () => {
    expect(s.stack.acceptedFindings.length).toBeGreaterThan(5);
    for (const finding of s.stack.acceptedFindings) expect(finding.reason.length).toBeGreaterThan(30);
  });
});

describe('the checks can fail', () => {
  it('a wildcard grant fails synthesis (cdk-nag) and the wildcard check', () => {
    const wildcard = (stack: import('../../infra/sluice-stack.ts').SluiceStack) =>
      stack.functions.byTask.enrich.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:Get*'], resources: ['arn:aws:s3:::elsewhere/*'] }));
    expect(() => synth(defaultConfig, wildcard)).toThrow(/AwsSolutions-IAM5/);
    const unchecked = synth(defaultConfig, wildcard, false);
    expect(wildcardActions(unchecked.json)).toStrictEqual([expect.stringMatching(/: s3:Get\*$/)]);
    unchecked.remove();
  }, 120_000);

  it('a drifted definition or a STANDARD type is caught', () => {
    const drifted = synth(defaultConfig, (stack) => {
      const machine = stack.workflows['s2-telemetry-to-lake']!.stateMachine.node.defaultChild as CfnStateMachine;
      machine.addPropertyOverride('DefinitionString', renderAsl(workflows.kinesis).replace('"MaxAttempts": 1', '"MaxAttempts": 30'));
      machine.addPropertyOverride('StateMachineType', 'STANDARD');
    }, false);
    const problems = workflowProblems(drifted);
    drifted.remove();
    expect(problems).toStrictEqual([
      's2-telemetry-to-lake: type STANDARD',
      's2-telemetry-to-lake: the definition differs from what sluice asl renders',
    ]);
  }, 120_000);
});
