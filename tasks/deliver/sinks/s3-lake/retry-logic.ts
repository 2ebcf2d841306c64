import type { RecordError } from '../../../../contracts/batch.ts';
import { isTransient } from '../../../shared/transient.ts';

/** A lake object that could not be staged: its records fail together, transient or not by sluice's one classifier. */
export const putError = (error: unknown): RecordError => ({ code: 'S3PutFailed', message: (error as Error)?.message ?? String(error), retryable: isTransient(error) });
