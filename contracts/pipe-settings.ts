import type { PipelineConfig } from './config.ts';

/**
 * Pipes settings of every Kinesis source, the defaults of a pipeline's `pipe`. A file of its own, without CDK imports: the demo and the cost
 * estimate read it without loading aws-cdk-lib; the tests assert the template against it.
 */
export const PIPE_SETTINGS = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 5,
  maximumRetryAttempts: 10,
  /** Batches in flight per shard (Pipes: 1–10); records of one partition key stay in order whatever it is. */
  parallelizationFactor: 1,
  /**
   * 23 hours: an hour before the stream's 24 h retention drops a record, so one still unread then reaches the DLQ
   * (its place, not its data) while it can be read back. One hour skipped to the DLQ every record of a shard that
   * fell an hour behind (after an outage), where nothing in sluice reads them: on AWS, lost.
   */
  maximumRecordAgeInSeconds: 82_800,
  startingPosition: 'TRIM_HORIZON',
} as const;

/**
 * What a Pipe hands a Step Functions target at most: the batch's JSON array, in characters. Pipes cuts
 * batches by this, not by the batch size alone; a record that does not fit alone is never delivered.
 */
export const PIPES_TARGET_PAYLOAD_CHARS = 262_144;

/** A Pipe's settings: the defaults' names, with the numbers a pipeline (or a test's Pipe) may set. */
export type PipeSettings = Omit<typeof PIPE_SETTINGS, 'batchSize' | 'maximumBatchingWindowInSeconds' | 'maximumRetryAttempts' | 'parallelizationFactor'> & {
  batchSize: number;
  maximumBatchingWindowInSeconds: number;
  maximumRetryAttempts: number;
  parallelizationFactor: number;
};

/** The Pipe settings of a kinesis pipeline, its `pipe` batching over the defaults: the one place they are applied. */
export function pipeSettings(pipeline: PipelineConfig): PipeSettings {
  return {
    ...PIPE_SETTINGS,
    batchSize: pipeline.pipe?.batchSize ?? PIPE_SETTINGS.batchSize,
    maximumBatchingWindowInSeconds: pipeline.pipe?.batchingWindowSeconds ?? PIPE_SETTINGS.maximumBatchingWindowInSeconds,
    parallelizationFactor: pipeline.pipe?.parallelizationFactor ?? PIPE_SETTINGS.parallelizationFactor,
  };
}
