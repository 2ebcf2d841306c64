import type { RecordError } from '../../../../contracts/batch.ts';

/** Errors of a whole call that may pass: throttling, capacity, the service itself. */
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

export function callError(error: unknown): RecordError {
  const name = (error as Error).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const retryable = TRANSIENT.has(name) || status === undefined || status >= 500;
  return { code: `DynamoDB.${name}`, message: (error as Error).message, retryable };
}

/** An item DynamoDB left unprocessed (throttled within the batch): worth another try. */
export const UNPROCESSED: RecordError = { code: 'DynamoDB.UnprocessedItems', message: 'left unprocessed by BatchWriteItem (throttled)', retryable: true };
