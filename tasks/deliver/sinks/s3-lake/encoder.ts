import { gzipSync } from 'node:zlib';
import type { Rec } from '../../../../contracts/batch.ts';

/** JSON Lines, one record's data a line, gzip'd on request. */
export function encodeJsonl(records: Rec[], gzip: boolean): Buffer {
  const text = records.map((record) => JSON.stringify(record.data)).join('\n') + '\n';
  return gzip ? gzipSync(text) : Buffer.from(text);
}
