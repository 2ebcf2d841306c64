import type { Rec } from '../../../../contracts/batch.ts';
import { bulkLines } from './encoder.ts';

export interface BulkRequest {
  body: string;
  records: Rec[];
}

/** Cuts records into `_bulk` bodies of at most `maxBytes` (a record larger than that goes alone). */
export function bulkRequests(records: Rec[], index: string, maxBytes: number): BulkRequest[] {
  const requests: BulkRequest[] = [];
  let lines: string[] = [];
  let batch: Rec[] = [];
  let bytes = 0;
  for (const record of records) {
    const pair = bulkLines(record, index);
    const size = Buffer.byteLength(pair);
    if (batch.length > 0 && bytes + size > maxBytes) {
      requests.push({ body: lines.join(''), records: batch });
      lines = [];
      batch = [];
      bytes = 0;
    }
    lines.push(pair);
    batch.push(record);
    bytes += size;
  }
  if (batch.length > 0) requests.push({ body: lines.join(''), records: batch });
  return requests;
}

/** A request's records as two requests, the first half (with the odd one) and the second. */
export function halves(request: BulkRequest, index: string): [BulkRequest, BulkRequest] {
  const middle = Math.ceil(request.records.length / 2);
  const whole = (records: Rec[]): BulkRequest => bulkRequests(records, index, Infinity)[0]!;
  return [whole(request.records.slice(0, middle)), whole(request.records.slice(middle))];
}
