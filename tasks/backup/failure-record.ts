import type { Quarantined, Rec } from '../../contracts/batch.ts';

/**
 * A failed record as stored in the backup bucket. Field names follow Firehose's processing-failed
 * records where they mean the same thing, so tools that read those read these.
 */
export interface FailureRecord {
  recordId: string;
  unit: string;
  pipeline: string;
  batchId: string;
  errorCode: string;
  errorMessage: string;
  attemptsMade: number;
  arrivalTimestamp?: number;
  attemptEndingTimestamp: number;
  severity?: string;
  errors?: Quarantined['errors'];
  /** Sinks the record still has to reach (delivery failures only). */
  pendingSinks?: string[];
  /** The record as it arrived (quarantine) or as it was to be delivered (delivery failure). */
  rawData: string;
}

export function fromQuarantined(q: Quarantined, pipeline: string, batchId: string, now: number): FailureRecord {
  return {
    recordId: q.id,
    unit: q.unit,
    pipeline,
    batchId,
    errorCode: q.reason,
    errorMessage: q.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
    attemptsMade: 0,
    attemptEndingTimestamp: now,
    severity: q.severity,
    errors: q.errors,
    rawData: q.raw,
  };
}

/** The reason of a failed record whose sink gave none. */
export const DELIVERY_FAILED = 'DeliveryFailed';

export function fromFailed(record: Rec, pipeline: string, batchId: string, now: number): FailureRecord {
  return {
    recordId: record.id,
    unit: record.unit,
    pipeline,
    batchId,
    errorCode: record.error?.code ?? DELIVERY_FAILED,
    errorMessage: record.error?.message ?? 'delivery failed',
    attemptsMade: record.attempts ?? 0,
    ...(record.arrivedAt === undefined ? {} : { arrivalTimestamp: record.arrivedAt }),
    attemptEndingTimestamp: now,
    pendingSinks: record.pending ?? [],
    rawData: JSON.stringify(record.data),
  };
}
