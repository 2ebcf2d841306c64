import { gzipSync } from 'node:zlib';
import type { Rec } from '../../../../contracts/batch.ts';
import { jsonLines } from '../../../shared/json-lines.ts';

/** JSON Lines, one record's data a line, gzip'd on request. */
export function encodeJsonl(records: Rec[], gzip: boolean): Buffer {
  const bytes = jsonLines(records, (record) => JSON.stringify(record.data));
  return gzip ? gzipSync(bytes) : bytes;
}
