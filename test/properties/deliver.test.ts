import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Body } from '../../contracts/batch.ts';
import { imbalances } from '../../tasks/account/check.ts';
import { deliverBody } from '../../tasks/deliver/index.ts';
import { countBody } from '../../tasks/shared/body.ts';
import { backedUpBody, FakeSink, freshBody, scopeWith, sinkPlan } from './fakes.ts';
import { assertReasons, assertUniqueIds } from './invariants.ts';

const MAX_PASSES = 4;

/** One delivery pass against its input: the promises of deliverBody. */
function checkPass(before: Body, after: Body, sinks: FakeSink[], callsBefore: number[], pass: number, keepData: boolean): void {
  expect(after.records).toHaveLength(0);
  // none lost, none twice: what was to deliver is now delivered or failed
  expect(after.failed.length + after.delivered.length).toBe(before.records.length + before.failed.length + before.delivered.length);
  expect(after.quarantined).toBe(before.quarantined);
  expect(after.dropped).toBe(before.dropped);
  assertUniqueIds(after);
  assertReasons(after);
  const names = sinks.map((s) => s.name);
  const earlier = new Map(before.failed.map((r) => [r.id, r]));
  sinks.forEach((sink, i) => {
    const given = sink.calls.slice(callsBefore[i]).flat();
    expect(new Set(given).size, `${sink.name} was given a record twice in one pass`).toBe(given.length);
    for (const id of given) {
      if (pass === 1) continue;
      // on a later pass, only records that failed retryably, and only to a sink that has not taken them
      const record = earlier.get(id);
      expect(record, `${sink.name} was given ${id}, which was not waiting for redelivery`).toBeDefined();
      expect(record!.error?.retryable, `${id} failed for good but was given to ${sink.name} again`).not.toBe(false);
      expect(record!.pending, `${id} was given to ${sink.name}, which had accepted it`).toContain(sink.name);
    }
    expect(sink.regiven, `${sink.name} was given records it had accepted`).toStrictEqual([]);
  });
  const newlyDelivered = after.delivered.slice(before.delivered.length);
  for (const d of newlyDelivered) {
    expect(names.length).toBeGreaterThan(0);
    for (const sink of sinks) expect(sink.accepted.has(d.id), `${d.id} counted delivered but ${sink.name} never took it`).toBe(true);
    expect('data' in d).toBe(keepData);
  }
  for (const f of after.failed) {
    if (names.length === 0) expect(f.error?.code).toBe('NoEnabledSink');
    else expect(f.pending).toStrictEqual(names.filter((n) => !sinks.find((s) => s.name === n)!.accepted.has(f.id)));
    if (names.length > 0) expect(f.pending!.length).toBeGreaterThan(0);
  }
}

const scenario = fc.record({
  records: fc.integer({ min: 0, max: 30 }),
  plans: fc.array(sinkPlan, { maxLength: 3 }),
  jumpAfterCalls: fc.option(fc.nat(6), { nil: undefined, freq: 4 }),
  keepData: fc.boolean(),
  quarantined: fc.nat(3),
});

describe('deliver: any sink behaviour', () => {
  it('every record given ends delivered or failed with an error; a sink never gets back what it accepted; the batch balances after backup', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ records, plans, jumpAfterCalls, keepData, quarantined }) => {
        const sinks = plans.map((plan, i) => new FakeSink(`sink-${i}`, plan));
        const start = freshBody(records);
        start.quarantined = Array.from({ length: quarantined }, (_, i) => ({ id: `q${i}`, unit: `qu${i}`, reason: 'schema-validation', severity: 'error', errors: [{ path: 'a', message: 'm', severity: 'error' }], raw: '{}' }));
        start.dropped = [{ id: 'd0', unit: 'du0', reason: 'empty' }];
        const total = records + quarantined + 1;
        const scope = scopeWith(jumpAfterCalls, sinks);
        let body = start;
        for (let pass = 1; pass <= MAX_PASSES; pass++) {
          const callsBefore = sinks.map((s) => s.calls.length);
          const next = await deliverBody(body, sinks, pass, keepData, scope);
          checkPass(body, next, sinks, callsBefore, pass, keepData);
          body = next;
          if (!body.failed.some((r) => r.error?.retryable)) break;
        }
        const done = backedUpBody(body);
        const units = [...start.records, ...start.quarantined, ...start.dropped].map((e) => e.unit);
        expect(imbalances(done, countBody(done, total), units)).toStrictEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('records that keep failing retryably are given to the failing sink on every pass and to no other', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 2, max: MAX_PASSES }), async (count, passes) => {
        const good = new FakeSink('good', { verdicts: ['accept'], blowups: [] });
        const flaky = new FakeSink('flaky', { verdicts: ['retryable'], blowups: [] });
        const scope = scopeWith(undefined, [good, flaky]);
        let body = freshBody(count);
        for (let pass = 1; pass <= passes; pass++) body = await deliverBody(body, [good, flaky], pass, false, scope);
        expect(good.calls).toHaveLength(1);
        expect(flaky.calls).toHaveLength(passes);
        expect(flaky.calls.every((ids) => ids.length === count)).toBe(true);
        expect(body.failed.map((r) => r.pending)).toStrictEqual(Array.from({ length: count }, () => ['flaky']));
      }),
      { numRuns: 30 },
    );
  });
});
