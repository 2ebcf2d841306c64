import type { RecordError } from '../../../../contracts/batch.ts';
import { recordError } from '../../../shared/transient.ts';

/** A whole call that failed: transient or not, by sluice's one classifier. */
export const callError = (error: unknown): RecordError => recordError('DynamoDB', error);

/** An item DynamoDB left unprocessed (throttled within the batch): worth another try. */
export const UNPROCESSED: RecordError = { code: 'DynamoDB.UnprocessedItems', message: 'left unprocessed by BatchWriteItem (throttled)', retryable: true };
