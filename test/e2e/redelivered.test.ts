import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine, type ExecutionResult } from '../../local/engine.ts';
import { ledgerStatus } from '../../local/ledger-status.ts';
import { localRedriver } from '../../local/redriver.ts';
import { businessEvent, pipesRecord } from '../../local/samples.ts';
import { streamOf } from '../../local/servers.ts';
import { FileCheckpoints } from '../../local/sources/checkpoints.ts';
import { PipeRunner } from '../../local/sources/pipe-runner.ts';
import type { LocalStack } from '../../local/stack.ts';
import { redrivable } from '../../redrive/redrivable.ts';
import { redrive } from '../../redrive/redrive.ts';
import { commitStaged } from '../../tasks/account/commit.ts';
import type { TaskContext } from '../../tasks/shared/context.ts';
import { ledgerRefusingOnce } from '../doubles/ledger-refusing-once.ts';
import { openStack, taggedEvents, until, type Harness } from './harness.ts';
import { setTimeout as sleep } from 'node:timers/promises';

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'sluice-redelivered-'));
beforeAll(async () => {
  h = await openStack();
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

const engineWith = (change: Partial<TaskContext>) => new LocalEngine({ ...h.stack.ctx, ...change }, { skipWaits: true });
const lake = (bucket: string, prefix: string, tag: string) => h.tagged(bucket, prefix, tag);

/** pipe-runner.ts's laneOf (FNV-1a of the partition key), to pick keys that take different lanes. */
const laneOf = (key: string, lanes: number) => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
};

describe('records a batch cut another way delivered already are dropped, redelivered (the shard index)', () => {
  it('a Pipe that re-reads a shard and cuts it its own way delivers only what is new; the ledger counts the rest dropped', async () => {
    const records = taggedEvents('recut', 'shardId-000000000050', 15);
    expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 10))).status).toBe('SUCCEEDED');
    const again = await h.stack.run('kinesis', 's4-events-raw', records.slice(5));
    expect(again.account?.counts).toMatchObject({ in: 10, delivered: 5, dropped: 5, quarantined: 0, backedUp: 0 });
    expect(await h.ledger(again.account!.batchId)).toMatchObject({ status: 'SUCCEEDED', counts: { in: 10, delivered: 5, dropped: 5 }, redelivered: 5 });
    // `sluice status` says which part of what was dropped was redelivered
    const [raw] = (await ledgerStatus(h.stack.ctx, () => {})).filter((p) => p.pipeline === 's4-events-raw');
    expect(raw!.records.redelivered).toBeGreaterThanOrEqual(5);
    expect(raw!.records.dropped).toBeGreaterThanOrEqual(raw!.records.redelivered);
    const rows = await lake('sluice-raw', 'events/', 'recut');
    expect(rows.map((r) => r.event_id).sort()).toStrictEqual(records.map((_, i) => `recut-${i}`).sort());
  });

  it('two pipelines reading one stream each deliver every record, however their Pipes cut it: the index is per pipeline', async () => {
    const records = taggedEvents('fan-out', 'shardId-000000000051', 15);
    expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 10))).account?.counts).toMatchObject({ delivered: 10, dropped: 0 });
    expect((await h.stack.run('kinesis', 's3-events-to-archive', records.slice(5))).account?.counts).toMatchObject({ delivered: 10, dropped: 0 });
    expect(await lake('sluice-lake', 'archive/', 'fan-out')).toHaveLength(10);
  });

  it('a batch that failed before its claim claims nothing: a batch cut another way over its records delivers them', async () => {
    const records = taggedEvents('failed-first', 'shardId-000000000052', 8);
    // the claim refused for good (its lake objects, committed after it, are never seen)
    const ddb = new Proxy(h.stack.ctx.ddb, {
      get: (target, key, receiver) =>
        key === 'send'
          ? (command: object) =>
              command instanceof PutCommand && String(command.input.Item?.batchId).endsWith('#delivered')
                ? Promise.reject(Object.assign(new Error('injected: the claim refused'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }))
                : target.send(command as never)
          : Reflect.get(target, key, receiver),
    });
    expect((await engineWith({ ddb }).run('kinesis', 's4-events-raw', records)).status).toBe('FAILED');
    expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(2))).account?.counts).toMatchObject({ delivered: 6, dropped: 0 });
    expect(await lake('sluice-raw', 'events/', 'failed-first')).toHaveLength(6);
  });

  it('a batch that failed after its claim and commit (its row refused): a batch cut another way drops its records, each once in the lake', async () => {
    const records = taggedEvents('failed-late', 'shardId-000000000055', 8);
    const { ddb } = ledgerRefusingOnce(h.stack.ctx.ddb);
    expect((await engineWith({ ddb }).run('kinesis', 's4-events-raw', records)).status).toBe('FAILED');
    expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(2))).account?.counts).toMatchObject({ delivered: 0, dropped: 6 });
    expect(await lake('sluice-raw', 'events/', 'failed-late')).toHaveLength(8);
  });

  it('a batch claims only what it delivered: a BACKED_UP batch\'s records, re-read by another batch and then redriven, all reach DynamoDB', async () => {
    const records = taggedEvents('backed-up', 'shardId-000000000054', 15);
    // the sink table throttles every write: after the retry duration the records back up (the lake took them)
    const throttled = {
      send: (command: { constructor: { name: string }; input: { RequestItems?: object; TableName?: string } }) => {
        const table = command.input.RequestItems ? Object.keys(command.input.RequestItems)[0] : command.input.TableName;
        if (table === 'sluice-events') return Promise.reject(Object.assign(new Error('injected throttle'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
        return h.stack.ctx.ddb.send(command as never);
      },
    } as unknown as TaskContext['ddb'];
    const first = await engineWith({ ddb: throttled }).run('kinesis', 's3-events-to-archive', records.slice(0, 10));
    expect(first.account).toMatchObject({ status: 'BACKED_UP', counts: { backedUp: 10 } });
    // a Pipe re-reads 5..14, cut its own way, the sink healthy again; then the operator redrives the first batch
    expect((await h.stack.run('kinesis', 's3-events-to-archive', records.slice(5))).account?.counts).toMatchObject({ in: 10, delivered: 10, dropped: 0 });
    const [outcome] = await redrive(localRedriver(h.stack), await redrivable(h.stack.ctx, { batchId: first.account!.batchId }));
    expect(outcome).toMatchObject({ before: 'BACKED_UP', after: 'SUCCEEDED' });
    const items = (await h.stack.ctx.ddb.send(new ScanCommand({ TableName: 'sluice-events' }))).Items ?? [];
    expect(new Set(items.map((item) => String(item.event_id)).filter((id) => id.startsWith('backed-up-'))).size).toBe(15);
  });

  it('a FAILED batch redriven at once, then its halves (Pipes\' AUTOMATIC_BISECT): the halves find its records delivered', async () => {
    const batch = Array.from({ length: 40 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `race-${i}` }), i, 'shardId-000000000040'));
    const { ddb } = ledgerRefusingOnce(h.stack.ctx.ddb);
    const whole = await engineWith({ ddb }).run('kinesis', 's4-events-raw', batch);
    expect(whole.status).toBe('FAILED');
    // the row says FAILED at once: the inspector offers Redrive, `sluice redrive` takes it; meanwhile Pipes bisects
    const pending = await redrivable(h.stack.ctx, { pipeline: 's4-events-raw' });
    const row = pending.find((p) => p.status === 'FAILED' && p.source.shard === 'shardId-000000000040');
    expect(row).toBeDefined();
    const [outcome] = await redrive(localRedriver(h.stack), [row!]);
    expect(outcome).toMatchObject({ before: 'FAILED', execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    // Pipes' retries of the failed execution, in two halves, land after it
    const first = await h.stack.run('kinesis', 's4-events-raw', batch.slice(0, 20));
    const second = await h.stack.run('kinesis', 's4-events-raw', batch.slice(20));
    expect([first.status, second.status]).toStrictEqual(['SUCCEEDED', 'SUCCEEDED']);
    const rows = (await h.lines('sluice-raw', 'events/')).filter((r) => String(r.event_id).startsWith('race-'));
    expect(new Set(rows.map((r) => r.record_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
  });

  it('a kill -9 while one lane\'s batch is in flight and another lane\'s later batch was taken: after the restart, the Pipe\'s re-read writes nothing twice', async () => {
    const pipeline = 's3-events-to-archive';
    const file = join(dir, 'lanes.json');
    const settings = { batchSize: 10, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: 3, parallelizationFactor: 2 };
    const slowKey = 'slow';
    const fastKey = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].find((k) => laneOf(k, 2) !== laneOf(slowKey, 2))!;
    // the first run: the slow lane's first execution never ends (the process is killed while it runs)
    const firstRun: LocalStack = {
      ...h.stack,
      run: (workflow, p, input, onEvent) =>
        (input as { partitionKey: string }[]).some((r) => r.partitionKey === slowKey) ? new Promise<never>(() => {}) : h.stack.run(workflow, p, input, onEvent),
    };
    const taken: ExecutionResult[] = [];
    const first = new PipeRunner(firstRun, pipeline, {
      settings,
      checkpoints: await FileCheckpoints.open(file),
      deadLetter: async () => {},
      onResult: (result) => taken.push(result),
      pollMs: 20,
    });
    // one shard (the harness' default); records alternate fast, slow, fast, slow, … starting with a fast one
    const records = Array.from({ length: 40 }, (_, i) => ({
      Data: Buffer.from(JSON.stringify({ ...businessEvent(i), event_id: `lanes-${i}` })),
      PartitionKey: i % 2 === 0 ? fastKey : slowKey,
    }));
    await h.stack.servers.kinesis.send(new PutRecordsCommand({ StreamName: streamOf(pipeline), Records: records }));
    await first.start();
    // the fast lane's two batches (20 records) are taken; the slow lane's first batch is still running
    await until(() => taken.filter((r) => r.status === 'SUCCEEDED').length === 2, 'the fast lane\'s two batches');
    // kill -9: nothing more happens in this process (the stop gives up at once, as a kill would)
    expect(await first.stop(0)).toBe('abandoned');

    // the restart: a new Pipe on the same checkpoint file, the workflow healthy
    const after: ExecutionResult[] = [];
    const second = new PipeRunner(h.stack, pipeline, {
      settings,
      checkpoints: await FileCheckpoints.open(file),
      deadLetter: async () => {},
      onResult: (result) => after.push(result),
      pollMs: 20,
    });
    await second.start();
    const seen = () => [...taken, ...after].filter((r) => r.status === 'SUCCEEDED').flatMap((r) => (r.events[0]!.input as { sequenceNumber: string }[]).map((x) => x.sequenceNumber));
    await until(() => new Set(seen()).size === 40, 'every record taken');
    expect(await second.stop(5_000)).toBe('stopped');

    const rows = (await h.lines('sluice-lake', 'archive/')).filter((row) => String(row.event_id).startsWith('lanes-'));
    expect(new Set(rows.map((row) => row.event_id)).size).toBe(40);
    // each event once in the lake
    expect(rows).toHaveLength(40);
  });
});

describe('lake objects that start a workflow are written once', () => {
  /** The keys of the ObjectCreated events of a bucket while `run` runs (each would start the s3 workflow). */
  async function createdDuring(bucket: string, run: () => Promise<unknown>): Promise<string[]> {
    const created: string[] = [];
    const listen = (notification: { Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }[] }) => {
      for (const record of notification.Records) if (record.eventName.startsWith('ObjectCreated') && record.s3.bucket.name === bucket) created.push(record.s3.object.key);
    };
    h.stack.servers.objectEvents.on('event', listen);
    try {
      await run();
      // the servers' thread posts its events a moment after it answers
      await sleep(300);
    } finally {
      h.stack.servers.objectEvents.off('event', listen);
    }
    return created;
  }

  it('a batch run again (a Pipe retry, a redrive) does not write a raw object that is there already: a new version would start the s3 workflow again', async () => {
    const records = taggedEvents('raw-once', 'shardId-000000000053', 8);
    const first = await createdDuring('sluice-raw', async () => expect((await h.stack.run('kinesis', 's4-events-raw', records)).status).toBe('SUCCEEDED'));
    expect(first.filter((key) => key.startsWith('events/')).length).toBeGreaterThan(0);
    // the same batch again: the same names, there already
    const again = await createdDuring('sluice-raw', async () => expect((await h.stack.run('kinesis', 's4-events-raw', records)).status).toBe('SUCCEEDED'));
    expect(again).toStrictEqual([]);
    expect(await lake('sluice-raw', 'events/', 'raw-once')).toHaveLength(8);
  });

  it('one batch\'s commit finished twice at once (its holder, slowed past its lease, and the batch that took the lock over) writes each raw object once (a look, then a copy, let both write)', async () => {
    const staged = { bucket: 'sluice-raw', key: 'events/event_type=order/twice-at-once.jsonl', from: 'staged/twice-at-once.jsonl' };
    await h.stack.ctx.s3.send(new PutObjectCommand({ Bucket: h.stack.config.buckets.work, Key: staged.from, Body: `${JSON.stringify({ ...businessEvent(1), event_id: 'twice-at-once-1' })}\n` }));
    const created = await createdDuring('sluice-raw', () => Promise.all(Array.from({ length: 4 }, () => commitStaged([staged], h.stack.ctx))));
    expect(created).toStrictEqual([staged.key]);
  });
});
