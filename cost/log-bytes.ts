import type { WorkflowName } from '../contracts/batch.ts';

/**
 * What an execution writes to CloudWatch Logs at level ALL with execution data, measured on the local
 * engine (test/e2e/log-bytes.test.ts measures it again and fails when it drifts by more than 20 %):
 * a fixed part (ids, ARNs, the states' own fields) and a part per byte of record data, because every
 * state's input and output carry the batch until a state outgrows the claim-check threshold.
 * Measured 2026-11-24 with 10 and 100 records of about 950 bytes; an S3 object's figure includes its
 * chunk executions.
 */
export const LOG_BYTES: Record<WorkflowName, { perExecution: number; perRecordByte: number }> = {
  kinesis: { perExecution: 26_500, perRecordByte: 18.5 },
  firehose: { perExecution: 14_700, perRecordByte: 32 },
  s3: { perExecution: 27_500, perRecordByte: 12 },
};

/** A failed execution at level ERROR logs its failure events, without execution data: about this much. */
export const ERROR_LOG_BYTES = 2_000;
