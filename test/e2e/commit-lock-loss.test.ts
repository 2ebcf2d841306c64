import { CopyObjectCommand, DeleteObjectCommand, ListObjectsCommand } from '@aws-sdk/client-s3';
import { QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summary } from '../../cli/commands/run.ts';
import { LocalEngine } from '../../local/engine.ts';
import { localRedriver } from '../../local/redriver.ts';
import { redrivable } from '../../redrive/redrivable.ts';
import { redrive } from '../../redrive/redrive.ts';
import type { TaskContext } from '../../tasks/shared/context.ts';
import { copiesRefusedAfter } from '../doubles/copies-refused.ts';
import { openStack, taggedEvents, type Harness } from './harness.ts';

/**
 * A Kinesis batch claims its records before it copies its lake objects; only the shard's commit lock item
 * remembers a commit that stopped halfway. These tests lose that memory in two ways and look at the lake.
 */
let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(async () => {
  await h.stop();
});

const lake = (tag: string) => h.tagged('sluice-raw', 'events/', tag);
const engineWith = (change: Partial<TaskContext>) => new LocalEngine({ ...h.stack.ctx, ...change }, { skipWaits: true });
const refusedCopy = () => Object.assign(new Error('injected: SlowDown'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });

/** The lock item of a shard, as if its 20 s lease had passed (what waiting 20 s of wall clock does). */
async function leasePassed(shard: string): Promise<void> {
  const items = (await h.stack.ctx.ddb.send(new ScanCommand({ TableName: h.stack.config.ledgerTable }))).Items ?? [];
  const lock = items.find((item) => String(item.batchId).endsWith(`/${shard}#commit`));
  expect(lock).toBeDefined();
  await h.stack.ctx.ddb.send(new UpdateCommand({ TableName: h.stack.config.ledgerTable, Key: { batchId: lock!.batchId }, UpdateExpression: 'SET leaseUntil = :gone', ExpressionAttributeValues: { ':gone': 0 } }));
}

describe('a claim whose commit nobody is left to finish', () => {
  it('a retried account step (Step Functions Retry) whose index read fails lets the lock go with its own half-done commit in it: no record may be lost, even after Pipes\' halves and a redrive', async () => {
    const shard = 'shardId-000000000070';
    const records = taggedEvents('retry-release', shard, 40);
    // an earlier batch (a re-read after a restart) delivered the first 5 records: the whole batch drops them, and a redrive of it goes by stretch
    expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 5))).status).toBe('SUCCEEDED');
    // the whole batch: its first lake object is copied, the others are refused (503, retryable); the account step's retry
    // then cannot read the shard index (throttled twice)
    let copies = 0;
    let queriesToRefuse = 0;
    const s3 = new Proxy(h.stack.ctx.s3, {
      get: (target, key, receiver) =>
        key === 'send'
          ? async (command: object) => {
              if (command instanceof CopyObjectCommand && copies++ > 0) {
                queriesToRefuse = 2;
                throw refusedCopy();
              }
              return target.send(command as never);
            }
          : Reflect.get(target, key, receiver),
    });
    const ddb = new Proxy(h.stack.ctx.ddb, {
      get: (target, key, receiver) =>
        key === 'send'
          ? async (command: object) => {
              if (command instanceof QueryCommand && queriesToRefuse > 0) {
                queriesToRefuse--;
                throw Object.assign(new Error('injected: throttled'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
              }
              return target.send(command as never);
            }
          : Reflect.get(target, key, receiver),
    });
    const whole = await engineWith({ s3, ddb }).run('kinesis', 's4-events-raw', records);
    expect(whole.status).toBe('FAILED');
    const copied = (await lake('retry-release')).length;
    expect(copied).toBeGreaterThan(5);
    expect(copied).toBeLessThan(40);
    // Pipes bisects the failed batch, everything healthy again
    for (const half of [records.slice(0, 20), records.slice(20)]) expect((await h.stack.run('kinesis', 's4-events-raw', half)).status).toBe('SUCCEEDED');
    // the operator redrives what the ledger says failed
    const pending = await redrivable(h.stack.ctx, { batchId: summary(whole).batchId! });
    expect(pending).toHaveLength(1);
    await redrive(localRedriver(h.stack), pending);
    const rows = await lake('retry-release');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
  });

  it('a batch killed while it finishes the commit another left in the lock (the lock item then names only its own): no record may be lost, even after Pipes\' halves and a redrive', async () => {
    const shard = 'shardId-000000000071';
    const records = taggedEvents('killed-finisher', shard, 40);
    expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 5))).status).toBe('SUCCEEDED');
    // the whole batch: its claim written, its first lake object copied, the others refused for good (its Catch: FAILED)
    // the first lake object is copied, every other copy refused for good (a 403)
    const s3 = copiesRefusedAfter(h.stack.ctx.s3);
    const whole = await engineWith({ s3 }).run('kinesis', 's4-events-raw', records);
    expect(whole.status).toBe('FAILED');
    const copied = (await lake('killed-finisher')).length;
    expect(copied).toBeLessThan(40);
    // Pipes' first half takes the lock and starts finishing the whole batch's commit; at its first copy its process dies
    // (a Lambda timeout, a kill -9): from then on every request it makes is refused, its lock's lease runs on
    let gone = false;
    const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1'), { name: 'Error', code: 'ECONNREFUSED' }));
    const realS3 = h.stack.ctx.s3;
    const realDdb = h.stack.ctx.ddb;
    const dyingS3 = {
      send: (command: object) => {
        if (command instanceof CopyObjectCommand) gone = true;
        return gone ? refused() : realS3.send(command as never);
      },
    } as unknown as TaskContext['s3'];
    const dyingDdb = { send: (command: object) => (gone ? refused() : realDdb.send(command as never)) } as unknown as TaskContext['ddb'];
    await engineWith({ s3: dyingS3, ddb: dyingDdb }).run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(gone).toBe(true);
    await leasePassed(shard);
    // Pipes goes on: the halves again, then the operator's redrive of what failed
    for (const half of [records.slice(20), records.slice(0, 20)]) expect((await h.stack.run('kinesis', 's4-events-raw', half)).status).toBe('SUCCEEDED');
    const pending = await redrivable(h.stack.ctx, { batchId: summary(whole).batchId! });
    expect(pending).toHaveLength(1);
    await redrive(localRedriver(h.stack), pending);
    const rows = await lake('killed-finisher');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
  });
  it('a commit left in the lock whose staged objects are gone (the work bucket keeps them a day) when the next holder comes: its records may be written again, never lost (README)', async () => {
    const shard = 'shardId-000000000072';
    const records = taggedEvents('staged-gone', shard, 40);
    expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 5))).status).toBe('SUCCEEDED');
    // the first lake object is copied, every other copy refused for good (a 403)
    const s3 = copiesRefusedAfter(h.stack.ctx.s3);
    const whole = await engineWith({ s3 }).run('kinesis', 's4-events-raw', records);
    expect(whole.status).toBe('FAILED');
    expect((await lake('staged-gone')).length).toBeLessThan(40);
    // a day passes: the work bucket's expiry takes the batch's staged objects
    const work = h.stack.config.buckets.work;
    const staged = ((await h.stack.ctx.s3.send(new ListObjectsCommand({ Bucket: work, Prefix: 'staged/' }))).Contents ?? []).filter((o) => o.Key!.includes(shard));
    expect(staged.length).toBeGreaterThan(0);
    for (const object of staged) await h.stack.ctx.s3.send(new DeleteObjectCommand({ Bucket: work, Key: object.Key! }));
    for (const half of [records.slice(0, 20), records.slice(20)]) expect((await h.stack.run('kinesis', 's4-events-raw', half)).status).toBe('SUCCEEDED');
    const pending = await redrivable(h.stack.ctx, { batchId: summary(whole).batchId! });
    expect(pending).toHaveLength(1);
    await redrive(localRedriver(h.stack), pending);
    expect(new Set((await lake('staged-gone')).map((r) => r.event_id)).size).toBe(40);
  });
});
