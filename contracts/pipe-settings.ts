/**
 * Pipes settings of every Kinesis source. A file of its own, without CDK imports: the demo and the cost
 * estimate read it without loading aws-cdk-lib; the tests assert the template against it.
 */
export const PIPE_SETTINGS = {
  batchSize: 100,
  maximumBatchingWindowInSeconds: 5,
  maximumRetryAttempts: 10,
  /** One hour: well below the stream's 24 h retention, so a stuck record reaches the DLQ before it expires. */
  maximumRecordAgeInSeconds: 3600,
  startingPosition: 'TRIM_HORIZON',
} as const;
