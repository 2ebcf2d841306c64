import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRedriver } from '../../local/redriver.ts';
import { businessEvent, pipesRecord } from '../../local/samples.ts';
import { UNFINISHED_AFTER_SECONDS } from '../../redrive/redrivable.ts';
import { sweep } from '../../redrive/sweep.ts';
import { tasks } from '../../tasks/index.ts';
import { openStack, type Harness } from '../e2e/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const batch = (tag: string, shard: string) => Array.from({ length: 5 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `${tag}-${i}` }), i, shard));

/** Decode alone, as if the execution had died after its first step, `ago` seconds before now. */
async function abandoned(tag: string, shard: string, agoSeconds: number): Promise<string> {
  const ctx = { ...h.stack.ctx, now: () => Date.now() - agoSeconds * 1000 };
  return ((await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input: batch(tag, shard) }, ctx)) as { batchId: string }).batchId;
}

describe('the sweep (AWS, every five minutes)', () => {
  it('starts again only executions still STARTED past the Express limit, and they end SUCCEEDED', async () => {
    const stale = await abandoned('stale', 'shardId-000000000030', UNFINISHED_AFTER_SECONDS + 60);
    const running = await abandoned('running', 'shardId-000000000031', 30);
    // a known failure waits for an operator: retried blindly it would loop
    const old = { ...h.stack.ctx, now: () => Date.now() - (UNFINISHED_AFTER_SECONDS + 60) * 1000 };
    const failed = (await tasks.backup({ pipeline: 's4-events-raw', workflow: 'kinesis', input: batch('failed', 'shardId-000000000032'), error: { Error: 'Sluice.InvalidInput' } }, old)) as { batchId: string };
    const started: string[] = [];
    const local = localRedriver(h.stack);
    const result = await sweep({ ctx: h.stack.ctx, start: (workflow, pipeline, input) => (started.push(pipeline), local.start(workflow, pipeline, input)) });
    expect(result.unfinished).toBe(1);
    expect(result.redriven).toMatchObject([{ batchId: stale, before: 'STARTED', after: 'SUCCEEDED' }]);
    expect(started).toStrictEqual(['s4-events-raw']);
    expect((await h.ledger(running))?.status).toBe('STARTED');
    expect((await h.ledger(failed.batchId))?.status).toBe('FAILED');
    const lake = (await h.lines('sluice-raw', 'events/')).filter((r) => String(r.event_id).startsWith('stale-'));
    expect(lake).toHaveLength(5);
    // a second sweep finds nothing left
    expect((await sweep(local)).unfinished).toBe(0);
  });
});
