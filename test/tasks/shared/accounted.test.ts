import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountedBefore, claimDelivered } from '../../../tasks/shared/accounted.ts';
import type { TaskContext } from '../../../tasks/shared/context.ts';
import { openStack, type Harness } from '../../e2e/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const seq = (n: number) => `4960${String(n).padStart(52, '0')}`;
const source = (first: number, last: number) => ({ stream: 'sluice-s4-events-raw', shard: 'shardId-000000000091', firstSequence: seq(first), lastSequence: seq(last) });
const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => seq(first + i));

describe('the shard index read (what other batches delivered)', () => {
  it('finds the records a claim holds, and for a batch far behind the head stops after a page of claims that start after it', async () => {
    // 300 batches of 10 delivered after the old one (records 0..9), and one spanning it (records 5..14)
    await claimDelivered(h.stack.ctx, 's4-events-raw', 'spanning', source(5, 14), range(5, 14));
    for (let b = 2; b <= 301; b++) await claimDelivered(h.stack.ctx, 's4-events-raw', `later-${b}`, source(b * 10, b * 10 + 9), range(b * 10, b * 10 + 9));
    let read = 0;
    const ddb = {
      send: async (command: object) => {
        const out = await h.stack.ctx.ddb.send(command as never);
        if (command instanceof QueryCommand) read += ((out as { Items?: unknown[] }).Items ?? []).length;
        return out;
      },
    } as unknown as TaskContext['ddb'];
    const accounted = await accountedBefore({ ...h.stack.ctx, ddb }, 's4-events-raw', 'old', source(0, 9));
    expect(range(0, 9).filter(accounted)).toStrictEqual(range(5, 9));
    // the spanning claim, then a page (100) of claims after it: not the 300
    expect(read).toBeLessThanOrEqual(101 + 100);
    expect(read).toBeGreaterThan(100);
  }, 120_000);
});
