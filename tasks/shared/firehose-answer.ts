import { MAX_RESPONSE_BYTES, type FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { jsonLines } from './json-lines.ts';

export type ResponseRecord = FirehoseTransformResponse['records'][number];

/** A transform-mode answer's data: the unit's delivered records as JSON Lines, base64. */
export const transformData = (records: readonly { data?: unknown }[]): string =>
  jsonLines(records, (record) => JSON.stringify(record.data ?? {})).toString('base64');

/** The bytes an answer takes in the response, with its comma (or the closing bracket). */
export const answerBytes = (answer: ResponseRecord): number => Buffer.byteLength(JSON.stringify(answer)) + 1;

/** `{"records":[` and `]}` less the comma the last answer does not need. */
export const RESPONSE_FRAME_BYTES = 13;

/** The length of `transformData(records)`, without making it: base64 of the JSON Lines' bytes. */
export function transformDataLength(records: readonly { data?: unknown }[]): number {
  let bytes = 0;
  for (const record of records) bytes += Buffer.byteLength(JSON.stringify(record.data ?? {})) + 1;
  return 4 * Math.ceil(bytes / 3);
}

/**
 * Whether the `Ok` answer of `recordId` whose data is `dataLength` characters of base64 fits in a response
 * that holds nothing else: one that does not never will, put back on the stream or not (base64 has nothing
 * JSON escapes, so the answer is its frame and the data).
 */
export const okFitsAlone = (recordId: string, dataLength: number, limit = MAX_RESPONSE_BYTES): boolean =>
  RESPONSE_FRAME_BYTES + answerBytes({ recordId, result: 'Ok', data: '' }) + dataLength <= limit;
