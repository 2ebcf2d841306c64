import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MalformedAlert } from '../../contracts/alerts.ts';
import type { Counts } from '../../contracts/batch.ts';
import { DeploymentEnv } from '../../contracts/deployment.ts';
import type { SluiceConfig } from '../../contracts/config.ts';
import type { ClaimStore } from '../../contracts/claim-store.ts';
import { rateLimited } from './malformed-alert.ts';
import { publishCounts } from './metrics.ts';
import { snsAlerts } from './sns-alerts.ts';
import { firehoseReingest, type Reingest } from './reingest.ts';
import { sfnStartChunk, type StartChunk } from './start-chunk.ts';
import { configFromEnv } from '../../config/from-env.ts';

/** Everything a task reaches outside itself. Lambdas build it from the environment, the local engine from its stack. */
export interface TaskContext {
  config: SluiceConfig;
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
  now: () => number;
  /** Where claim checks keep their payloads (default: the work bucket through `s3`). */
  claims?: ClaimStore;
  /** The jitter of the redelivery backoff (Math.random unless a test wants it fixed). */
  random?: () => number;
  /** Starts a chunk execution of an S3 object (StartExecution of the pipeline's chunk state machine on AWS, the local engine here). */
  startChunk?: StartChunk;
  /** Puts records back on a Firehose delivery stream: PutRecordBatch on AWS, the local stack's stand-in locally. */
  reingest?: Reingest;
  /** Where a batch's final counts go: CloudWatch metrics on AWS, nowhere locally. */
  metrics?: (pipeline: string, counts: Counts) => void;
  /** Raises a malformed-data alert, rate-limited (true when it was sent): SNS on AWS, the running stack's outbox locally. */
  alert?: (alert: Omit<MalformedAlert, 'suppressed'>) => Promise<boolean>;
}

export function contextFromEnv(env: NodeJS.ProcessEnv = process.env): TaskContext {
  return {
    config: configFromEnv(env),
    s3: new S3Client({}),
    ddb: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
    now: Date.now,
    metrics: publishCounts,
    reingest: firehoseReingest(),
    startChunk: sfnStartChunk(env),
    ...(env[DeploymentEnv.alertTopicArn] ? { alert: rateLimited(snsAlerts(env[DeploymentEnv.alertTopicArn]!)) } : {}),
  };
}
