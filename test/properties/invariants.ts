import assert from 'node:assert/strict';
import type { Body } from '../../contracts/batch.ts';
import type { Limits } from '../../contracts/config.ts';
import { countBody } from '../../tasks/shared/body.ts';
import type { Decoded } from '../../tasks/decode/unit.ts';
import { shapeProblem } from '../../tasks/decode/parse.ts';

/**
 * The promises every step of the record chain keeps, as assertions (node:assert, so that the faults
 * script can use them too). Each throws with what broke.
 */

type Entry = { id: string; unit: string };

const lists = (body: Partial<Body>): [string, Entry[]][] =>
  (['records', 'failed', 'quarantined', 'dropped', 'delivered', 'backedUp'] as const).map((name) => [name, (body[name] ?? []) as Entry[]]);

/** Record ids are unique across the lists of a body. */
export function assertUniqueIds(body: Partial<Body>): void {
  const seen = new Map<string, string>();
  for (const [name, entries] of lists(body)) {
    for (const entry of entries) {
      assert.equal(typeof entry.id, 'string', `${name}: an entry without an id`);
      const before = seen.get(entry.id);
      assert.ok(before === undefined, `id ${entry.id.slice(0, 12)}… is in ${before} and in ${name}`);
      seen.set(entry.id, name);
    }
  }
}

/** Every source unit has at least one outcome, and no outcome names a unit that was not there. */
export function assertUnitsAccounted(units: string[], body: Partial<Body>): void {
  const known = new Set(units);
  const seen = new Set<string>();
  for (const [name, entries] of lists(body)) {
    for (const entry of entries) {
      assert.ok(known.has(entry.unit), `${name}: unit ${JSON.stringify(entry.unit)} is not a unit of the batch`);
      seen.add(entry.unit);
    }
  }
  const missing = units.filter((unit) => !seen.has(unit));
  assert.deepEqual(missing, [], `units without any outcome`);
}

/** Quarantined and dropped entries say why; failed records carry their error. */
export function assertReasons(body: Partial<Body>): void {
  for (const q of body.quarantined ?? []) {
    assert.ok(typeof q.reason === 'string' && q.reason.length > 0, `quarantined ${q.id} without a reason`);
    assert.ok(['warning', 'error', 'critical'].includes(q.severity), `quarantined ${q.id}: severity ${q.severity}`);
    assert.ok(q.errors.length > 0 && q.errors.every((e) => typeof e.message === 'string' && typeof e.path === 'string'), `quarantined ${q.id} without errors`);
    assert.equal(typeof q.raw, 'string', `quarantined ${q.id} without its raw data`);
  }
  for (const d of body.dropped ?? []) assert.ok(typeof d.reason === 'string' && d.reason.length > 0, `dropped ${d.id} without a reason`);
  for (const f of body.failed ?? []) {
    assert.ok(f.error && typeof f.error.code === 'string' && typeof f.error.message === 'string' && typeof f.error.retryable === 'boolean', `failed ${f.id} without an error`);
  }
}

/** Before deliver: in = records + quarantined + dropped, in the lists and in the counts. */
export function assertBalancedBeforeDeliver(body: Body, total: number): void {
  const counts = countBody(body, total);
  assert.equal(counts.pending + counts.quarantined + counts.dropped, counts.in, `in=${counts.in} but records=${counts.pending} + quarantined=${counts.quarantined} + dropped=${counts.dropped}`);
  assert.equal(body.failed.length + body.delivered.length + body.backedUp.length, 0, 'failed, delivered or backed-up records before deliver');
}

/** After account: in = delivered + quarantined + dropped + backedUp. */
export function assertBalancedAfterAccount(body: Body, total: number): void {
  const counts = countBody(body, total);
  const settled = counts.delivered + counts.quarantined + counts.dropped + counts.backedUp;
  assert.equal(settled, counts.in, `in=${counts.in} but delivered+quarantined+dropped+backedUp=${settled}`);
  assert.equal(counts.pending + counts.failed, 0, 'records left pending or failed');
}

/** What decode hands on: plain objects, within depth. */
export function assertDecodedRecords(out: Decoded, limits: Limits): void {
  for (const record of out.records) {
    assert.ok(typeof record.data === 'object' && record.data !== null && !Array.isArray(record.data), `record ${record.id}: data is not an object`);
    assert.ok(!shapeProblem(record.data, limits.maxDepth, true), `record ${record.id} nests deeper than ${limits.maxDepth} or holds a number JSON cannot hold (exactly)`);
  }
}

/** All of the above for what decode returns. */
export function assertDecoded(units: string[], out: Decoded, limits: Limits): void {
  const body = { ...out, failed: [], delivered: [], backedUp: [], outputs: {} };
  assertUniqueIds(body);
  assertUnitsAccounted(units, body);
  assertReasons(body);
  assertDecodedRecords(out, limits);
}

/** Bytes of a record's data as a sink writes it. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));
