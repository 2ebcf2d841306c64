import * as t from 'io-ts';
import { WorkflowName } from './batch.ts';
import { strict, tagged } from './strict.ts';

const Positive = t.refinement(t.number, (n) => Number.isFinite(n) && n > 0, 'PositiveNumber');
/** A count, a depth, a size in bytes: a whole number above 0 (a depth of 0.5 quarantined every record). */
const PositiveInteger = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInteger');
/** Seconds to wait or retry for: 0 or more. */
const Seconds = t.refinement(t.number, (n) => Number.isFinite(n) && n >= 0, 'Seconds (0 or more)');
/** A number within AWS's range for the setting it names. */
const within = (name: string, low: number, high: number) => t.refinement(t.number, (n) => Number.isFinite(n) && n >= low && n <= high, `${name} (from ${low} to ${high})`);

/** Column types of a Parquet lake: TIMESTAMP takes epoch seconds, milliseconds or ISO strings. */
export const ParquetColumnType = t.keyof({ STRING: null, DOUBLE: null, INT64: null, BOOLEAN: null, TIMESTAMP: null, JSON: null });
export type ParquetColumnType = t.TypeOf<typeof ParquetColumnType>;

export const S3LakeSinkConfig = strict(
  'S3LakeSinkConfig',
  { type: t.literal('s3-lake'), prefix: t.string },
  {
    name: t.string,
    bucket: t.string,
    /** JSON Lines (default) or Parquet (Snappy) with the declared `columns`. */
    format: t.keyof({ jsonl: null, parquet: null }),
    gzip: t.boolean,
    /** Parquet columns: a field (dotted path into the record) -> its type. */
    columns: t.record(t.string, ParquetColumnType),
  },
);
export type S3LakeSinkConfig = t.TypeOf<typeof S3LakeSinkConfig>;

export const OpenSearchSinkConfig = strict(
  'OpenSearchSinkConfig',
  { type: t.literal('opensearch'), index: t.string },
  {
    name: t.string,
    endpoint: t.string,
    /** A Secrets Manager secret whose value is the endpoint (what the CDK app sets: never a plain value). */
    endpointSecretArn: t.string,
    maxBulkBytes: PositiveInteger,
    timeoutMs: Positive,
  },
);
export type OpenSearchSinkConfig = t.TypeOf<typeof OpenSearchSinkConfig>;

/** A DynamoDB table keyed by `record_id` (the record id enrich adds): one item per record, by BatchWriteItem. */
export const DynamoDbSinkConfig = strict('DynamoDbSinkConfig', { type: t.literal('dynamodb'), table: t.string }, { name: t.string });
export type DynamoDbSinkConfig = t.TypeOf<typeof DynamoDbSinkConfig>;

/** Firehose transform mode: the records go back to Firehose in the response. */
export const FirehoseResponseSinkConfig = strict(
  'FirehoseResponseSinkConfig',
  { type: t.literal('firehose-response') },
  { name: t.string },
);
export type FirehoseResponseSinkConfig = t.TypeOf<typeof FirehoseResponseSinkConfig>;

export const SinkConfig = tagged('SinkConfig', 'type', {
  's3-lake': S3LakeSinkConfig,
  opensearch: OpenSearchSinkConfig,
  dynamodb: DynamoDbSinkConfig,
  'firehose-response': FirehoseResponseSinkConfig,
});
export type SinkConfig = t.TypeOf<typeof SinkConfig>;

export const ValidationConfig = strict(
  'ValidationConfig',
  {},
  {
    /** Field that names the event type, e.g. `event_type`; absent: every record uses `fallback`. */
    typeField: t.string,
    /** Event type -> schema name in `schemas`. */
    types: t.record(t.string, t.string),
    /** Schema for records whose type is absent or not listed; absent: such records are quarantined. */
    fallback: t.string,
  },
);
export type ValidationConfig = t.TypeOf<typeof ValidationConfig>;

export const S4Rules = strict('S4Rules', {
  highValueThreshold: t.number,
  /** Upper bounds (exclusive) of micro, small and medium; above is large. */
  amountBounds: strict('AmountBounds', { micro: t.number, small: t.number, medium: t.number }),
  /** Upper bounds in seconds (exclusive) of short and medium sessions; above is long. */
  sessionBounds: strict('SessionBounds', { short: t.number, medium: t.number }),
  /** Metric name -> [low, high]; values outside are flagged as anomalies. */
  metricRanges: t.record(t.string, t.tuple([t.number, t.number])),
});
export type S4Rules = t.TypeOf<typeof S4Rules>;

export const LogLevel = t.keyof({ ALL: null, ERROR: null, FATAL: null, OFF: null });
export type LogLevel = t.TypeOf<typeof LogLevel>;
/** What a pipeline logs when its configuration says nothing: everything, while a deployment is young. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'ALL';

export const FirehoseMode = t.keyof({ transform: null, metadata: null });
export type FirehoseMode = t.TypeOf<typeof FirehoseMode>;

const between = (name: string, low: number, high: number) =>
  t.refinement(t.number, (n) => Number.isInteger(n) && n >= low && n <= high, `${name} (an integer from ${low} to ${high})`);

/**
 * For the kinesis workflow: how the EventBridge Pipe batches the stream (AWS's ranges). A Step Functions
 * target takes at most 262,144 characters per batch, so records × their base64 size must stay under that.
 */
export const PipeBatching = strict(
  'PipeBatching',
  {},
  {
    batchSize: between('BatchSize', 1, 10_000),
    batchingWindowSeconds: between('MaximumBatchingWindowInSeconds', 0, 300),
    parallelizationFactor: between('ParallelizationFactor', 1, 10),
  },
);
export type PipeBatching = t.TypeOf<typeof PipeBatching>;

export const S3Trigger = strict('S3Trigger', { bucket: t.string }, { prefix: t.string, suffix: t.string });
export type S3Trigger = t.TypeOf<typeof S3Trigger>;

/** Whether an object created at `bucket`/`key` starts the trigger's workflow. */
export const triggers = (trigger: S3Trigger, bucket: string, key: string): boolean =>
  trigger.bucket === bucket && key.startsWith(trigger.prefix ?? '') && key.endsWith(trigger.suffix ?? '');

export const PipelineConfig = strict(
  'PipelineConfig',
  { workflow: WorkflowName, description: t.string, sinks: t.array(SinkConfig) },
  {
    firehoseMode: FirehoseMode,
    validation: ValidationConfig,
    enrichment: strict('EnrichmentConfig', {}, { s4: S4Rules }),
    /** For the kinesis workflow: the Pipe's batch size and batching window (default 100 records, 5 s). */
    pipe: PipeBatching,
    /** For the s3 workflow: which ObjectCreated events start it. */
    trigger: S3Trigger,
    /** This pipeline's `limits.retryDurationSeconds`. */
    retryDurationSeconds: Seconds,
    /** For the firehose workflow on AWS: Firehose's processor buffering (default 1 MB, 60 s). */
    buffering: strict('Buffering', {}, { sizeMb: within('BufferSizeInMBs', 0.2, 3), intervalSeconds: within('BufferIntervalInSeconds', 0, 900) }),
    /**
     * What the state machine logs to CloudWatch Logs on AWS (default ALL, with execution data: every
     * execution visible, state by state). ERROR logs failed executions only, which is what production
     * usually wants: CloudWatch Logs ingestion is the largest item of the bill at ALL.
     */
    logLevel: LogLevel,
  },
);
export type PipelineConfig = t.TypeOf<typeof PipelineConfig>;

/** Firehose's processor buffering when a pipeline names none (the AWS defaults). */
export const BUFFERING_DEFAULTS = { sizeMb: 1, intervalSeconds: 60 } as const;

/** What a firehose pipeline runs with, defaults filled: the one place they are applied. */
export interface FirehoseSettings {
  mode: FirehoseMode;
  sizeMb: number;
  intervalSeconds: number;
}

/** The firehose settings of a pipeline; a pipeline without a mode is not a firehose pipeline (the check says so). */
export function firehoseSettings(name: string, pipeline: PipelineConfig): FirehoseSettings {
  if (!pipeline.firehoseMode) throw new Error(`pipelines.${name}.firehoseMode: the firehose workflow needs "transform" or "metadata"`);
  return { mode: pipeline.firehoseMode, ...BUFFERING_DEFAULTS, ...pipeline.buffering };
}

/** The most Firehose retries delivery to an HTTP endpoint (its RetryOptions.DurationInSeconds: 0 to 7,200). */
export const HTTP_ENDPOINT_MAX_RETRY_SECONDS = 7_200;

/** How long a transform-mode stream retries its HTTP endpoint: the pipeline's retry duration, within what Firehose takes. */
export const httpEndpointRetrySeconds = (pipeline: PipelineConfig, limits: Limits): number =>
  Math.min(HTTP_ENDPOINT_MAX_RETRY_SECONDS, Math.floor(pipeline.retryDurationSeconds ?? limits.retryDurationSeconds));

/** What AWS lets a state's input or output, and an execution's input, weigh: 256 KiB of JSON in UTF-8. */
export const STATE_PAYLOAD_BYTES = 262_144;

/**
 * A batch carries its execution input (what account checks the batch against and answers from) inline up to
 * this many bytes, beside a body of up to `claimCheckBytes`; a larger input travels as a claim check. Not the
 * execution input itself (`$$.Execution.Input`): beside the body it would take a state over STATE_PAYLOAD_BYTES.
 */
export const INLINE_INPUT_BYTES = 4_096;

export const Limits = strict('Limits', {
  /** State payloads above this many bytes travel as claim-check references (AWS caps states at STATE_PAYLOAD_BYTES). */
  claimCheckBytes: PositiveInteger,
  /** Large S3 objects are cut into chunk objects of about this many bytes. */
  chunkBytes: PositiveInteger,
  /** A decoded record above this many bytes is quarantined. */
  maxRecordBytes: PositiveInteger,
  /**
   * A unit that fans out into more records than this (a JSON array, a CloudWatch Logs payload) is
   * quarantined whole: a few bytes of `[{},{},…]` must not become millions of records.
   */
  maxRecordsPerUnit: PositiveInteger,
  /** A record nested deeper than this is quarantined (JSON.stringify overflows near 10k). */
  maxDepth: PositiveInteger,
  /** A gzip'd unit that inflates to more than this many bytes is quarantined (memory stays bounded). */
  maxInflatedBytes: PositiveInteger,
  /**
   * How long records a sink refused are redelivered before they are backed up (Firehose's retry
   * duration), in seconds; always cut to what the Express execution has left. A pipeline may set its own.
   */
  retryDurationSeconds: Seconds,
  /** First wait of the redelivery loop; doubles each attempt, with full jitter. */
  retryBaseSeconds: Seconds,
  /**
   * Chunk executions of one S3 object run at once on the embedded stack (one process, two cores). On AWS
   * the object's execution starts them all; Lambda's concurrency is the bound.
   */
  chunkConcurrency: PositiveInteger,
});
export type Limits = t.TypeOf<typeof Limits>;

/** Every limit has a default: a configuration names only those it changes. */
export const LIMIT_DEFAULTS: Limits = {
  claimCheckBytes: 200_000,
  chunkBytes: 4_000_000,
  maxRecordBytes: 1_048_576,
  maxInflatedBytes: 16_777_216,
  maxDepth: 64,
  maxRecordsPerUnit: 10_000,
  retryDurationSeconds: 300,
  retryBaseSeconds: 1,
  chunkConcurrency: 2,
};

export const SluiceConfig = strict(
  'SluiceConfig',
  {
    buckets: strict('Buckets', { raw: t.string, lake: t.string, backup: t.string, work: t.string }),
    ledgerTable: t.string,
    limits: Limits,
    /** JSON Schemas by name; `x-severity` (warning | error | critical) on any node sets its errors' severity. */
    schemas: t.record(t.string, t.UnknownRecord),
    pipelines: t.record(t.string, PipelineConfig),
  },
  {
    /**
     * On AWS: days before backed-up failures expire in the backup bucket (default 30). Locally: how many MB
     * of execution traces (and the payloads kept with them) a data folder keeps for the inspector (default
     * 1,024), the oldest successful ones deleted first.
     */
    retention: strict('Retention', {}, { backupDays: Positive, executionsMb: Positive }),
  },
);
export type SluiceConfig = t.TypeOf<typeof SluiceConfig>;
