import { MAX_RESPONSE_BYTES, type FirehoseTransformResponse } from '../../contracts/firehose.ts';

export type ResponseRecord = FirehoseTransformResponse['records'][number];

/** A transform-mode answer's data: the unit's delivered records as JSON Lines, base64. */
export const transformData = (records: readonly { data?: unknown }[]): string =>
  Buffer.from(records.map((record) => `${JSON.stringify(record.data ?? {})}\n`).join('')).toString('base64');

/** The bytes an answer takes in the response, with its comma (or the closing bracket). */
export const answerBytes = (answer: ResponseRecord): number => Buffer.byteLength(JSON.stringify(answer)) + 1;

/** `{"records":[` and `]}` less the comma the last answer does not need. */
export const RESPONSE_FRAME_BYTES = 13;

/** Whether an answer fits in a response that holds nothing else: one that does not never will, put back on the stream or not. */
export const fitsAlone = (answer: ResponseRecord, limit = MAX_RESPONSE_BYTES): boolean => RESPONSE_FRAME_BYTES + answerBytes(answer) <= limit;
