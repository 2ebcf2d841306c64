import type { Rec } from '../../../../contracts/batch.ts';

/**
 * One `_bulk` action and source, NDJSON. `create` with the record id as `_id`: a retry of a record
 * already written answers 409, which means delivered, never a second document.
 */
export const bulkLines = (record: Rec, index: string): string =>
  `${JSON.stringify({ create: { _index: index, _id: record.id } })}\n${JSON.stringify(record.data)}\n`;
