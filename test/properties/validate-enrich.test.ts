import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Body, Rec, ValidationIssue } from '../../contracts/batch.ts';
import { enrichBody } from '../../tasks/enrich/index.ts';
import { emptyBody } from '../../tasks/shared/body.ts';
import { validators } from '../../tasks/validate/schemas.ts';
import { validateBody } from '../../tasks/validate/validate.ts';
import { arrivedAt, json, otherEvent, s4Event, testConfig } from './arbitraries.ts';
import { assertReasons, assertUniqueIds } from './invariants.ts';

const pipelines = Object.entries(testConfig.pipelines);
const schemas = validators(testConfig);
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

const data = fc.oneof(
  { arbitrary: s4Event, weight: 4 },
  { arbitrary: otherEvent as fc.Arbitrary<Record<string, unknown>>, weight: 2 },
  fc.dictionary(fc.string({ maxLength: 6 }), json(2)),
  fc.constantFrom(
    JSON.parse('{"__proto__":{"event_type":"transaction"},"constructor":{"prototype":{"x":1}},"message":"m"}'),
    JSON.parse('{"event_type":"toString","timestamp":1,"payload":{}}'),
    JSON.parse('{"event_type":"__proto__","timestamp":"2026-11-23T09:30:00Z","payload":{"__proto__":{}}}'),
    { message: '\ud800', '@logGroup': '\udfff/..//', '@timestamp': 'not a time', timestamp: -1e300 },
  ),
);

const warning: ValidationIssue = { path: 'x', message: 'earlier warning', severity: 'warning' };
const records = fc
  .array(fc.record({ data, arrivedAt, time: fc.option(fc.constantFrom(0, 1_795_000_000_000, -8.64e15, 8.64e15), { nil: undefined }), warn: fc.boolean() }), { maxLength: 15 })
  .map((list) =>
    list.map(({ data: d, arrivedAt: at, time, warn }, i): Rec => ({
      id: `id-${i}`,
      unit: `u${i}`,
      data: d,
      ...(at === undefined ? {} : { arrivedAt: at }),
      ...(time === undefined ? {} : { time }),
      ...(warn ? { warnings: [warning] } : {}),
    })),
  );

const bodyOf = (recs: Rec[]): Body => ({ ...emptyBody(), records: recs, dropped: [{ id: 'dropped-0', unit: 'u-dropped', reason: 'empty' }] });
const validDate = (ms: number | undefined) => ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;

describe('validate: any record content', () => {
  it('never throws; every record passes or is quarantined with its issues; passing records have only warnings', () => {
    fc.assert(
      fc.property(records, (recs) => {
        for (const [name, pipeline] of pipelines) {
          const before = bodyOf(recs);
          const after = validateBody(before, pipeline.validation, schemas);
          expect(after.records.length + after.quarantined.length, name).toBe(recs.length);
          expect(after.dropped).toBe(before.dropped);
          assertUniqueIds(after);
          assertReasons(after);
          for (const q of after.quarantined) expect(['error', 'critical']).toContain(q.severity);
          for (const r of after.records) expect((r.warnings ?? []).every((w) => w.severity === 'warning')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('enrich: any record content', () => {
  it('never throws; every record is enriched (id, times, partition) or quarantined with why', () => {
    fc.assert(
      fc.property(records, (recs) => {
        for (const [name, pipeline] of pipelines) {
          const after = enrichBody(bodyOf(recs), { pipelineName: name, pipeline, workflow: pipeline.workflow, now: NOW });
          expect(after.records.length + after.quarantined.length, name).toBe(recs.length);
          assertUniqueIds(after);
          assertReasons(after);
          for (const r of after.records) {
            expect(r.data.record_id).toBe(r.id);
            expect(Number.isNaN(Date.parse(r.data.event_time as string))).toBe(false);
            expect(r.partition!.event_type).toMatch(/^[A-Za-z0-9_.-]{1,100}$/);
            expect(`${r.partition!.month}/${r.partition!.day}/${r.partition!.hour}`).toMatch(/^(0[1-9]|1[0-2])\/(0[1-9]|[12]\d|3[01])\/([01]\d|2[0-3])$/);
            expect(r.partition!.year).toMatch(/^-?\d+$/);
            expect(JSON.stringify(r.data)).toBeTypeOf('string');
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  // KNOWN DEFECT (see the faults report): the enricher caches the last arrival time before converting it;
  // when the conversion throws (an arrival time out of the Date range), the next record with the same
  // arrival time skips the conversion and gets the ISO time of an earlier record instead.
  it('a record gets its own arrival time as ingested_at, never a neighbour\'s', () => {
    fc.assert(
      fc.property(records, (recs) => {
        const [name, pipeline] = pipelines[0]!;
        const after = enrichBody(bodyOf(recs), { pipelineName: name, pipeline, workflow: pipeline.workflow, now: NOW });
        const original = new Map(recs.map((r) => [r.id, r]));
        for (const r of after.records) {
          const at = original.get(r.id)!.arrivedAt;
          const expected = at === undefined ? new Date(NOW).toISOString() : validDate(at) ? new Date(at).toISOString() : 'quarantined, or the processing time';
          expect([expected, new Date(NOW).toISOString()]).toContain(r.data.ingested_at);
        }
      }),
      { numRuns: 300 },
    );
  });
});
