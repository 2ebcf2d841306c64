import { describe, expect, it } from 'vitest';
import { LIMIT_DEFAULTS } from '../../../contracts/config.ts';
import { MAX_REDELIVERY_WAIT_SECONDS } from '../../../contracts/timing.ts';
import type { Rec, RecordError } from '../../../contracts/batch.ts';
import { backoffSeconds, deliverBody } from '../../../tasks/deliver/index.ts';
import type { Sink } from '../../../tasks/deliver/sinks/sink.ts';
import { emptyBody } from '../../../tasks/shared/body.ts';

const limits = (retryBaseSeconds: number) => ({ ...LIMIT_DEFAULTS, retryBaseSeconds });
const fixed = (value: number) => () => value;

describe('backoffSeconds', () => {
  it('is full jitter: anywhere from 1 s to base x 2^(attempt-1), in whole seconds', () => {
    // attempt 3, base 1: the ceiling is 4 s
    expect(backoffSeconds(3, limits(1), fixed(0))).toBe(1);
    expect(backoffSeconds(3, limits(1), fixed(0.3))).toBe(2);
    expect(backoffSeconds(3, limits(1), fixed(0.6))).toBe(3);
    expect(backoffSeconds(3, limits(1), fixed(0.99))).toBe(4);
    // attempt 1 (and 0) waits up to the base itself
    expect(backoffSeconds(1, limits(2), fixed(0.99))).toBe(2);
    expect(backoffSeconds(0, limits(2), fixed(0.99))).toBe(2);
  });

  it('never waits longer than MAX_REDELIVERY_WAIT_SECONDS, however late the attempt or large the base', () => {
    expect(MAX_REDELIVERY_WAIT_SECONDS).toBe(16);
    expect(backoffSeconds(10, limits(1), fixed(0.99))).toBe(16);
    expect(backoffSeconds(40, limits(1), fixed(1))).toBe(16);
    expect(backoffSeconds(1, limits(100), fixed(1))).toBe(16);
    // the jitter is taken under the cap, not over the uncapped ceiling: attempt 10 is 512 s uncapped
    expect(backoffSeconds(10, limits(1), fixed(0.5))).toBe(8);
  });

  it('does not wait at all when retryBaseSeconds is 0', () => {
    expect(backoffSeconds(1, limits(0), fixed(0.99))).toBe(0);
    expect(backoffSeconds(12, limits(0), fixed(1))).toBe(0);
  });
});

describe('deliverBody', () => {
  it("hands a record refused before only to the sinks that refused it: the lake stages a batch's partition once, whole (handed the retried records again, it would stage the partition anew with those alone)", async () => {
    const given: Record<string, string[][]> = { lake: [], index: [] };
    const refusals = new Map<string, RecordError>([
      ['r2', { code: 'Index.Busy', message: 'busy', retryable: true }],
      ['r4', { code: 'Index.Mapping', message: 'bad field', retryable: false }],
    ]);
    const sink = (name: string, refuses: (id: string) => RecordError | undefined): Sink => ({
      name,
      deliver: async (records) => {
        given[name]!.push(records.map((record) => record.id));
        return { failed: new Map(records.flatMap((record) => (refuses(record.id) ? [[record.id, refuses(record.id)!] as const] : []))), outputs: [name] };
      },
    });
    const sinks = [sink('lake', () => undefined), sink('index', (id) => refusals.get(id))];
    const records: Rec[] = ['r1', 'r2', 'r3', 'r4'].map((id, i) => ({ id, unit: String(i), data: { n: i } }));
    const scope = { batchId: 'b', deadline: Infinity, now: () => 0 };
    const first = await deliverBody({ ...emptyBody(), records }, sinks, 1, false, scope);
    expect(first.delivered.map((d) => d.id)).toStrictEqual(['r1', 'r3']);
    expect(first.failed).toMatchObject([
      { id: 'r2', pending: ['index'], attempts: 1, error: { code: 'Index.Busy' } },
      { id: 'r4', pending: ['index'], attempts: 1, error: { code: 'Index.Mapping' } },
    ]);
    refusals.delete('r2');
    const second = await deliverBody(first, sinks, 2, false, scope);
    // r2 to the index alone; r4, refused for good, to no one
    expect(given).toStrictEqual({ lake: [['r1', 'r2', 'r3', 'r4']], index: [['r1', 'r2', 'r3', 'r4'], ['r2']] });
    expect(second.delivered.map((d) => d.id)).toStrictEqual(['r1', 'r3', 'r2']);
    expect(second.failed).toMatchObject([{ id: 'r4', attempts: 1, error: { code: 'Index.Mapping' } }]);
  });

  it('hands a record that failed without naming its sinks to every sink: counted delivered, it would have reached none', async () => {
    const given: string[] = [];
    const sink = (name: string): Sink => ({ name, deliver: async (records) => (given.push(...records.map((record) => `${name}:${record.id}`)), { failed: new Map(), outputs: [name] }) });
    const failed: Rec = { id: 'r9', unit: '9', data: {}, error: { code: 'Busy', message: 'busy', retryable: true } };
    const body = await deliverBody({ ...emptyBody(), failed: [failed] }, [sink('lake'), sink('index')], 2, false, { batchId: 'b', deadline: Infinity, now: () => 0 });
    expect(given).toStrictEqual(['lake:r9', 'index:r9']);
    expect(body.delivered.map((d) => d.id)).toStrictEqual(['r9']);
  });
});
