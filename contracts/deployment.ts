/**
 * The environment a deployment hands every function: the names the CDK app gave the buckets, the ledger,
 * the OpenSearch secret and the sink tables (what a configuration file cannot know). One table, read by
 * the configuration loader, written by the CDK app and by `sluice redrive --aws`.
 */
export const DeploymentEnv = {
  rawBucket: 'SLUICE_BUCKET_RAW',
  lakeBucket: 'SLUICE_BUCKET_LAKE',
  backupBucket: 'SLUICE_BUCKET_BACKUP',
  workBucket: 'SLUICE_BUCKET_WORK',
  ledgerTable: 'SLUICE_LEDGER_TABLE',
  openSearchSecretArn: 'SLUICE_OPENSEARCH_SECRET_ARN',
  /** JSON: configured table name -> deployed one. */
  sinkTables: 'SLUICE_SINK_TABLES',
  /** JSON: s3 pipeline -> ARN of its chunk state machine, which the decode function starts per chunk. */
  chunkStateMachines: 'SLUICE_CHUNK_STATE_MACHINES',
  /** The SNS topic malformed-data alerts go to (the account function's). */
  alertTopicArn: 'SLUICE_ALERT_TOPIC_ARN',
  /** JSON: kinesis pipeline -> its stream's name (the ingest route's function). */
  ingestStreams: 'SLUICE_INGEST_STREAMS',
} as const;

/** The bucket of each role, as its environment name. */
export const BUCKET_ENV = {
  raw: DeploymentEnv.rawBucket,
  lake: DeploymentEnv.lakeBucket,
  backup: DeploymentEnv.backupBucket,
  work: DeploymentEnv.workBucket,
} as const;

/** The log group a state machine's executions are logged to: all there is of an Express execution's history. */
export const executionLogGroupName = (stateMachineName: string): string => `/aws/vendedlogs/states/${stateMachineName}`;

/**
 * How long the work bucket keeps an object (its lifecycle rule): claim checks and chunk objects live for one
 * execution, staged lake objects until their commit copies them; a day leaves a commit another batch left in a
 * shard's lock time to be finished.
 */
export const WORK_EXPIRY_DAYS = 1;
