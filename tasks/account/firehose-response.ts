import type { Body } from '../../contracts/batch.ts';
import type { FirehoseMode } from '../../contracts/config.ts';
import type { FirehoseTransformRequest, FirehoseTransformResponse } from '../../contracts/firehose.ts';

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

const base64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * Exactly one response record per request recordId, in request order.
 * - transform: the unit's delivered records as JSON Lines, `Ok`;
 * - metadata: one metadata document, "Processed N events via direct delivery", `Ok`.
 * A unit that yielded nothing but drops is `Dropped`; one with nothing handed on is `ProcessingFailed`
 * (Firehose then keeps its original data under processing-failed/ as well as sluice's quarantine).
 */
export function firehoseResponse(request: FirehoseTransformRequest, body: Body, mode: FirehoseMode, batchId: string): FirehoseTransformResponse {
  const units = byUnit(body);
  return {
    records: request.records.map((record) => {
      const entry = units.get(record.recordId) ?? { delivered: [], quarantined: 0, dropped: 0, backedUp: 0 };
      const handedOn = entry.delivered.length + entry.backedUp;
      if (handedOn === 0) {
        const result = entry.dropped > 0 && entry.quarantined === 0 ? 'Dropped' : 'ProcessingFailed';
        return { recordId: record.recordId, result, data: record.data };
      }
      if (mode === 'transform') {
        const lines = entry.delivered.map((d) => `${JSON.stringify(d.data ?? {})}\n`).join('');
        return { recordId: record.recordId, result: 'Ok', data: base64(lines) };
      }
      const metadata = {
        message: `Processed ${handedOn} events via direct delivery`,
        recordId: record.recordId,
        batchId,
        delivered: entry.delivered.length,
        backedUp: entry.backedUp,
        quarantined: entry.quarantined,
        dropped: entry.dropped,
      };
      return { recordId: record.recordId, result: 'Ok', data: base64(`${JSON.stringify(metadata)}\n`) };
    }),
  };
}
