import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRedriver } from '../../local/redriver.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { businessEvent, pipesRecord } from '../../local/samples.ts';
import { redrivable, UNFINISHED_AFTER_SECONDS } from '../../redrive/redrivable.ts';
import { takeLease } from '../../redrive/redrive-lease.ts';
import type { Redriver } from '../../redrive/redrive.ts';
import { sweep } from '../../redrive/sweep.ts';
import { tasks } from '../../tasks/index.ts';
import { objectAsRead } from '../../tasks/shared/object-as-read.ts';
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

  it('starts a write that was replaced once: its row is SUPERSEDED as soon as the later write\'s run is started (on AWS asynchronously, answering STARTED)', async () => {
    const key = 'uploads/sweep-replaced.jsonl';
    const write = async (tag: string, n: number) => {
      const text = `${Array.from({ length: n }, (_, i) => JSON.stringify({ ...businessEvent(i), event_id: `${tag}-${i}` })).join('\n')}\n`;
      const { ETag } = await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: text }));
      return objectCreatedFor('sluice-raw', key, Buffer.byteLength(text), ETag!.replace(/"/g, ''));
    };
    const first = await write('replaced-w1', 3);
    const read = await objectAsRead(first, h.stack.ctx);
    // the first write's run died after its STARTED row; the key was written again since
    const old = new Date(Date.now() - (UNFINISHED_AFTER_SECONDS + 60) * 1000).toISOString();
    await h.stack.ctx.ddb.send(new PutCommand({ TableName: h.stack.config.ledgerTable, Item: { batchId: read.batchId, pipeline: 's4-events-processed', workflow: 's3', status: 'STARTED', time: old, startedAt: old, source: read.source, input: first } }));
    await write('replaced-w2', 4);
    let runs = 0;
    // StartExecution as AWS answers it for the s3 workflow; the run itself goes on here before the answer
    const asAws = (now: () => number): Redriver => ({ ctx: { ...h.stack.ctx, now }, start: async (workflow, pipeline, input) => (runs += workflow === 's3' ? 1 : 0, await h.stack.run(workflow, pipeline, input), { status: 'STARTED' }) });
    const once = await sweep(asAws(() => Date.now()));
    expect(once.redriven).toMatchObject([{ batchId: read.batchId, before: 'STARTED', after: 'SUPERSEDED' }]);
    expect((await h.ledger(read.batchId))?.status).toBe('SUPERSEDED');
    // sweeps after the hold would have lapsed start nothing more (the later write's run started three times before)
    await sweep(asAws(() => Date.now() + 600_000));
    await sweep(asAws(() => Date.now() + 1_200_000));
    expect(runs).toBe(1);
  });

  it('an execution that fails lets go of the hold of the redrive that started it asynchronously: the batch can be redriven again at once', async () => {
    // an event whose key is no URL encoding: its s3 run fails before its row is written anew (a run that starts does that)
    const event = objectCreatedFor('sluice-raw', 'uploads/x.jsonl', 10, 'd41d8cd98f00b204e9800998ecf8427e');
    event.detail.object.key = 'uploads/bad-%E0%A4%A.jsonl';
    const first = await h.stack.run('s3', 's4-events-processed', event);
    expect(first.status).toBe('FAILED');
    const row = (await redrivable(h.stack.ctx, { pipeline: 's4-events-processed', force: true })).find((r) => JSON.stringify(r.input ?? '').includes('bad-%E0%A4%A'));
    expect(row?.status).toBe('FAILED');
    const lease = await takeLease(h.stack.ctx, row!);
    expect(lease).toHaveProperty('token');
    // the run the redrive started fails again: its row says so, and no redrive holds it any longer
    expect((await h.stack.run('s3', 's4-events-processed', event)).status).toBe('FAILED');
    expect((await h.ledger(row!.batchId))?.redriveLease).toBeUndefined();
  });
});
