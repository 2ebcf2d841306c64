import type { Rec } from '../../../../contracts/batch.ts';

/** DynamoDB takes at most 25 requests per BatchWriteItem. */
export const BATCH_WRITE_LIMIT = 25;

/** The attribute every item is keyed by: enrich writes the record id there. */
export const KEY_ATTRIBUTE = 'record_id';

/** The item of a record: its data, keyed by its id (written again by a retry, never a second item). */
export const itemOf = (record: Rec): Record<string, unknown> => ({ ...record.data, [KEY_ATTRIBUTE]: record.id });

export function batches(records: Rec[]): Rec[][] {
  const out: Rec[][] = [];
  for (let i = 0; i < records.length; i += BATCH_WRITE_LIMIT) out.push(records.slice(i, i + BATCH_WRITE_LIMIT));
  return out;
}
