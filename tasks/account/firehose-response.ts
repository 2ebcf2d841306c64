import type { Body } from '../../contracts/batch.ts';
import type { FirehoseMode } from '../../contracts/config.ts';
import { MAX_RESPONSE_BYTES, type FirehoseTransformRequest, type FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { answerBytes, RESPONSE_FRAME_BYTES, transformData, type ResponseRecord } from '../shared/firehose-answer.ts';

type Entry = { delivered: Body['delivered']; quarantined: number; dropped: number; backedUp: number };

function byUnit(body: Body): Map<string, Entry> {
  const units = new Map<string, Entry>();
  const entry = (unit: string) => {
    let found = units.get(unit);
    if (!found) units.set(unit, (found = { delivered: [], quarantined: 0, dropped: 0, backedUp: 0 }));
    return found;
  };
  for (const d of body.delivered) entry(d.unit).delivered.push(d);
  for (const q of body.quarantined) entry(q.unit).quarantined++;
  for (const d of body.dropped) entry(d.unit).dropped++;
  for (const b of body.backedUp) entry(b.unit).backedUp++;
  return units;
}

function recordFor(recordId: string, original: string, entry: Entry, mode: FirehoseMode, batchId: string): ResponseRecord {
  // transform mode hands on only what the response carries: a unit whose records all went to the backup bucket is not Ok
  const handedOn = entry.delivered.length + (mode === 'transform' ? 0 : entry.backedUp);
  if (handedOn === 0) {
    const result = entry.dropped > 0 && entry.quarantined === 0 && entry.backedUp === 0 ? 'Dropped' : 'ProcessingFailed';
    return { recordId, result, data: original };
  }
  if (mode === 'transform') return { recordId, result: 'Ok', data: transformData(entry.delivered) };
  const { delivered, backedUp, quarantined, dropped } = { ...entry, delivered: entry.delivered.length };
  const metadata = {
    message: `Processed ${delivered} events via direct delivery${backedUp > 0 ? `, ${backedUp} backed up after delivery failed` : ''}`,
    recordId,
    batchId,
    delivered,
    backedUp,
    quarantined,
    dropped,
  };
  return { recordId, result: 'Ok', data: Buffer.from(`${JSON.stringify(metadata)}\n`).toString('base64') };
}

export interface FirehoseReply {
  response: FirehoseTransformResponse;
  /** recordIds whose answer did not fit in the response: `Dropped` there, to be put back on the stream (transform mode). */
  overflow: string[];
}

/**
 * Exactly one response record per request recordId, in request order, within `limit` bytes.
 * - transform: the unit's delivered records as JSON Lines, `Ok`;
 * - metadata: one metadata document saying what was delivered and what backed up, `Ok`.
 * A unit that yielded nothing but drops is `Dropped`; one with nothing handed on (in transform mode: nothing
 * in the response, its records quarantined or backed up) is `ProcessingFailed` (Firehose then keeps its
 * original data under processing-failed/ as well as sluice's backup bucket).
 * An `Ok` answer that would take the response past the limit becomes `Dropped`, as AWS's CloudWatch Logs
 * blueprint does: in transform mode its original record must then go back on the delivery stream.
 */
export function firehoseResponse(request: FirehoseTransformRequest, body: Body, mode: FirehoseMode, batchId: string, limit = MAX_RESPONSE_BYTES): FirehoseReply {
  const units = byUnit(body);
  const empty: Entry = { delivered: [], quarantined: 0, dropped: 0, backedUp: 0 };
  const answers = request.records.map((record) => {
    const answer = recordFor(record.recordId, record.data, units.get(record.recordId) ?? empty, mode, batchId);
    const dropped: ResponseRecord = { recordId: record.recordId, result: 'Dropped', data: '' };
    return { answer, dropped, size: answerBytes(answer), droppedSize: answer.result === 'Ok' ? answerBytes(dropped) : answerBytes(answer) };
  });
  // `{"records":[` … `]}`, a comma between records; first as if every Ok answer were dropped, then as many Ok as fit, in order
  let bytes = RESPONSE_FRAME_BYTES + answers.reduce((sum, a) => sum + a.droppedSize, 0);
  if (bytes > limit) throw new Error(`the response is ${bytes} bytes with every answer that could be dropped dropped: over Firehose's ${limit}`);
  const overflow: string[] = [];
  const records = answers.map(({ answer, dropped, size, droppedSize }) => {
    if (answer.result !== 'Ok' || bytes + size - droppedSize <= limit) {
      bytes += size - droppedSize;
      return answer;
    }
    overflow.push(answer.recordId);
    return dropped;
  });
  return { response: { records }, overflow: mode === 'transform' ? overflow : [] };
}

/** The body once the units whose answer did not fit are put back on the stream: their records count as dropped, reason `reingested`. */
export function withReingested(body: Body, units: string[]): Body {
  if (units.length === 0) return body;
  const gone = new Set(units);
  return {
    ...body,
    delivered: body.delivered.filter((d) => !gone.has(d.unit)),
    dropped: [...body.dropped, ...body.delivered.filter((d) => gone.has(d.unit)).map((d) => ({ id: d.id, unit: d.unit, reason: 'reingested' }))],
  };
}
