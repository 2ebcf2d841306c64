import type { WorkflowName } from '../contracts/batch.ts';

/**
 * What an execution writes to CloudWatch Logs at level ALL with execution data, measured on the local
 * engine (test/e2e/log-bytes.test.ts measures it again and fails when it drifts by more than 20 %):
 * a fixed part (ids, ARNs, the states' own fields) and a part per byte of record data, because every
 * state's input and output carry the batch until a state outgrows the claim-check threshold.
 * Measured 2026-12-07 with 10 and 100 records of about 950 bytes, since batches carry their execution input
 * (its claim check, or an S3 event inline, in every state: 3,000 to 7,000 bytes more than before); s3 for an
 * object of one chunk, which runs the record chain in its own execution (a chunk execution of a larger object
 * logs about as much, its object's split execution little).
 */
export const LOG_BYTES: Record<WorkflowName, { perExecution: number; perRecordByte: number }> = {
  kinesis: { perExecution: 30_000, perRecordByte: 19.9 },
  firehose: { perExecution: 17_700, perRecordByte: 33.2 },
  s3: { perExecution: 31_200, perRecordByte: 16.6 },
};

/** A failed execution at level ERROR logs its failure events, without execution data: about this much. */
export const ERROR_LOG_BYTES = 2_000;
