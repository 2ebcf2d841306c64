import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { SluiceConfig } from '../../contracts/config.ts';
import { BUCKET_ENV, DeploymentEnv } from '../../contracts/deployment.ts';
import { SPLIT_TIMEOUT_SECONDS, TASK_TIMEOUT_SECONDS, TASKS, type TaskName } from '../../contracts/timing.ts';
import { grantObjects } from '../grants.ts';
import { chunkWorkflowArn } from '../physical-names.ts';
import type { Ledger } from './ledger.ts';
import type { SinkSecrets } from './sink-secrets.ts';
import type { SinkTables } from './sink-tables.ts';
import type { Storage } from './storage.ts';
import { TaskFunction } from './task-function.ts';

export interface TaskFunctionsProps {
  config: SluiceConfig;
  storage: Storage;
  ledger: Ledger;
  secrets: SinkSecrets;
  sinkTables: SinkTables;
}

const DESCRIPTIONS: Record<TaskName, string> = {
  decode: 'sluice decode: base64, gunzip, CloudWatch Logs fan-out, JSON; S3 objects cut into chunks',
  validate: 'sluice validate: JSON Schema per event type, quarantine with every error',
  enrich: 'sluice enrich: record id, timestamps, partitions, business rules',
  deliver: 'sluice deliver: S3 lake and OpenSearch by record id, per-record outcomes',
  backup: 'sluice backup: failed and quarantined records and the input, for redrive',
  account: 'sluice account: in = delivered + quarantined + dropped + backedUp, ledger row, reply',
};

/** The six task Lambdas, each allowed exactly what its step does. */
export class TaskFunctions extends Construct {
  readonly byTask = {} as Record<TaskName, lambda.Function>;
  readonly environment: Record<string, string>;

  constructor(scope: Construct, id: string, props: TaskFunctionsProps) {
    super(scope, id);
    const { storage, ledger, secrets } = props;
    this.environment = {
      [BUCKET_ENV.raw]: storage.raw.bucketName,
      [BUCKET_ENV.lake]: storage.lake.bucketName,
      [BUCKET_ENV.backup]: storage.backup.bucketName,
      [BUCKET_ENV.work]: storage.work.bucketName,
      [DeploymentEnv.ledgerTable]: ledger.table.tableName,
      [DeploymentEnv.openSearchSecretArn]: secrets.openSearchEndpoint.secretArn,
      // the decode function starts an object's chunk executions on its own stack's chunk machine
      [DeploymentEnv.chunkStateMachines]: Stack.of(this).toJsonString(Object.fromEntries(this.s3Pipelines(props.config).map((name) => [name, chunkWorkflowArn(this, name)]))),
      [DeploymentEnv.sinkTables]: Stack.of(this).toJsonString(Object.fromEntries([...props.sinkTables.byName].map(([name, table]) => [name, table.tableName]))),
    };
    for (const task of TASKS) {
      const made = new TaskFunction(this, task[0]!.toUpperCase() + task.slice(1), {
        entry: `tasks/${task}/handler.ts`,
        config: props.config,
        environment: this.environment,
        description: DESCRIPTIONS[task],
        // decode also splits S3 objects, which has a longer limit of its own
        timeoutSeconds: task === 'decode' ? Math.max(TASK_TIMEOUT_SECONDS.decode, SPLIT_TIMEOUT_SECONDS) : TASK_TIMEOUT_SECONDS[task],
      });
      this.byTask[task] = made.function;
    }
    const { decode, validate, enrich, deliver, backup, account } = this.byTask;
    // every task reads the claim checks it is handed and writes the one it hands on (backup too: a body over the threshold)
    for (const fn of [decode, validate, enrich, deliver, backup, account]) grantObjects(storage.work, fn, ['s3:GetObject', 's3:PutObject']);
    // the raw bucket is versioned: an object's event names its version, and decode reads that one
    grantObjects(storage.raw, decode, ['s3:GetObject', 's3:GetObjectVersion']);
    // deliver stages lake objects in the work bucket; account commits them (CopyObject: read there, write here)
    grantObjects(storage.lake, account, ['s3:PutObject']);
    // raw objects start the s3 workflow: account copies one in only where none is (If-None-Match, which S3 allows with s3:PutObject; commit.ts)
    if (this.sinksWriteRaw(props.config)) grantObjects(storage.raw, account, ['s3:PutObject']);
    secrets.openSearchEndpoint.grantRead(deliver);
    // the input is kept from the first step (decode), again on failure (backup), let go once the batch ended well (account)
    for (const fn of [decode, backup]) grantObjects(storage.backup, fn, ['s3:PutObject']);
    grantObjects(storage.backup, account, ['s3:DeleteObject']);
    // decode writes a batch's STARTED row and reads the shard index (what a batch cut another way delivered);
    // an S3 object's row is updated over an earlier run's, read first when there was one
    ledger.table.grant(decode, 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Query');
    ledger.table.grant(backup, 'dynamodb:UpdateItem');
    // account reads the row back before putting records on a delivery stream again (once per batch), and
    // writes a Kinesis batch's claim in the shard index once its lake objects are committed, under the shard's
    // commit lock (put, then deleted), having read the index again
    ledger.table.grant(account, 'dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query');
    for (const table of props.sinkTables.byName.values()) table.grant(deliver, 'dynamodb:BatchWriteItem', 'dynamodb:PutItem');
    // record metrics go out as EMF log lines: no cloudwatch:PutMetricData needed
  }

  private s3Pipelines(config: SluiceConfig): string[] {
    return Object.entries(config.pipelines).flatMap(([name, p]) => (p.workflow === 's3' ? [name] : []));
  }

  private sinksWriteRaw(config: SluiceConfig): boolean {
    return Object.values(config.pipelines).some((p) => p.sinks.some((s) => s.type === 's3-lake' && s.bucket === config.buckets.raw));
  }
}
