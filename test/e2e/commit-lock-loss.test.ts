import { CopyObjectCommand, DeleteObjectCommand, ListObjectsCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LEDGER_SHARD_INDEX } from '../../contracts/ledger.ts';
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
  it('a batch killed right after it took the lock, before it began to finish the commit another left in it: that commit stays named in the lock for the next holder (a reviewer found it overwritten: 11 of 40 records in the lake)', async () => {
    const shard = 'shardId-000000000079';
    const records = taggedEvents('killed-after-take', shard, 40);
    expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 5))).status).toBe('SUCCEEDED');
    // the whole batch claims its records; its first lake object is copied, every other copy refused for good
    const whole = await engineWith({ s3: copiesRefusedAfter(h.stack.ctx.s3) }).run('kinesis', 's4-events-raw', records);
    expect(whole.status).toBe('FAILED');
    // Pipes' first half takes the lock, and its process dies at once: every request after the take is refused
    let gone = false;
    const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1'), { name: 'Error', code: 'ECONNREFUSED' }));
    const realDdb = h.stack.ctx.ddb;
    const dyingDdb = {
      send: async (command: object) => {
        if (gone) return refused();
        const result = await realDdb.send(command as never);
        if (command instanceof UpdateCommand && command.input.ReturnValues === 'ALL_OLD' && String(command.input.Key?.batchId).endsWith('#commit')) gone = true;
        return result;
      },
    } as unknown as TaskContext['ddb'];
    await engineWith({ ddb: dyingDdb }).run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(gone).toBe(true);
    await leasePassed(shard);
    // Pipes goes on with the halves, and no redrive comes: each record the halves drop as the whole's must be in the lake
    for (const half of [records.slice(20), records.slice(0, 20)]) expect((await h.stack.run('kinesis', 's4-events-raw', half)).status).toBe('SUCCEEDED');
    const rows = await lake('killed-after-take');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
  });

  it('a commit left in the lock whose staged objects are gone (the work bucket keeps them a day) when the next holder comes: its records may be written again, never lost, and Pipes\' halves deliver them without waiting for a redrive (README)', async () => {
    const { records, whole } = await unfinishable('staged-gone', 'shardId-000000000072');
    // Pipes' first half decodes before the lock: it drops the records the whole batch claimed; under the lock it finds
    // that commit unfinishable and withdraws the claim, so those drops stand on nothing: it commits none of them
    const first = await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(first.status).toBe('FAILED');
    expect(first.error).toBe('Sluice.Overtaken');
    expect(first.cause).toContain('claimed by no batch now');
    // Pipes retries it, then goes on
    for (const half of [records.slice(0, 20), records.slice(20)]) expect((await h.stack.run('kinesis', 's4-events-raw', half)).status).toBe('SUCCEEDED');
    expect(new Set((await lake('staged-gone')).map((r) => r.event_id)).size).toBe(40);
    const pending = await redrivable(h.stack.ctx, { batchId: summary(whole).batchId! });
    expect(pending).toHaveLength(1);
    await redrive(localRedriver(h.stack), pending);
    expect(new Set((await lake('staged-gone')).map((r) => r.event_id)).size).toBe(40);
  });

  it('the same, while the shard index (a global secondary index on AWS) still shows the withdrawn claim: the drops that stand on it are read from the table, and none is committed', async () => {
    const { records } = await unfinishable('ghost-claim', 'shardId-000000000073');
    let lagging = true;
    const ghosts = new LocalEngine({ ...h.stack.ctx, ddb: withdrawnClaimsShown(() => lagging) }, { skipWaits: true });
    // the first half withdraws the claim under the lock; its check still finds it in the index
    const first = await ghosts.run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(first.status).toBe('FAILED');
    expect(first.error).toBe('Sluice.Overtaken');
    expect(first.cause).toContain('claimed by no batch now');
    // Pipes' retries while the index lags fail the same way; once it shows the withdrawal, the halves deliver
    expect((await ghosts.run('kinesis', 's4-events-raw', records.slice(0, 20))).error).toBe('Sluice.Overtaken');
    lagging = false;
    for (const half of [records.slice(0, 20), records.slice(20)]) expect((await ghosts.run('kinesis', 's4-events-raw', half)).status).toBe('SUCCEEDED');
    expect(new Set((await lake('ghost-claim')).map((r) => r.event_id)).size).toBe(40);
  });

  it('a redrive, while the shard index still shows a withdrawn claim: the records that stood on it are not passed over as delivered, and the batch is not let go', async () => {
    const { records } = await unfinishable('ghost-redrive', 'shardId-000000000074');
    let lagging = true;
    const ddb = withdrawnClaimsShown(() => lagging);
    const ghosts = new LocalEngine({ ...h.stack.ctx, ddb }, { skipWaits: true });
    const redriver = localRedriver({ ...h.stack, ctx: { ...h.stack.ctx, ddb }, run: (workflow, pipeline, input) => ghosts.run(workflow, pipeline, input) });
    // Pipes' first half withdraws the whole batch's claim under the lock, and fails: its drops stood on it
    const first = await ghosts.run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(first.error).toBe('Sluice.Overtaken');
    const half = summary(first).batchId!;
    // the operator redrives the half (not the whole batch) while the index still shows the claim: its 15 records are
    // started again (and fail the same way, as the index lags): the half stays FAILED, its input kept
    const [early] = await redrive(redriver, await redrivable(h.stack.ctx, { batchId: half }));
    expect(early).toMatchObject({ execution: 'FAILED', after: 'FAILED' });
    // once the index shows the withdrawal, a redrive delivers them
    lagging = false;
    const [late] = await redrive(redriver, await redrivable(h.stack.ctx, { batchId: half }));
    expect(late).toMatchObject({ execution: 'SUCCEEDED (15 of 20 records)', after: 'SUPERSEDED' });
    const ofHalf = new Set(records.slice(0, 20).map((_, i) => `ghost-redrive-${i}`));
    expect(new Set((await lake('ghost-redrive')).map((r) => String(r.event_id)).filter((id) => ofHalf.has(id))).size).toBe(20);
  });
});

/**
 * A batch over a shard's 40 records, after an earlier one delivered the first 5: its claim written and its first lake
 * object copied, every other copy refused for good (a 403, its Catch: FAILED); then a day passes, and the work
 * bucket's expiry takes its staged objects. Its commit, left in the lock, cannot be finished.
 */
async function unfinishable(tag: string, shard: string) {
  const records = taggedEvents(tag, shard, 40);
  expect((await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 5))).status).toBe('SUCCEEDED');
  const s3 = copiesRefusedAfter(h.stack.ctx.s3);
  const whole = await engineWith({ s3 }).run('kinesis', 's4-events-raw', records);
  expect(whole.status).toBe('FAILED');
  expect((await lake(tag)).length).toBeLessThan(40);
  const work = h.stack.config.buckets.work;
  const staged = ((await h.stack.ctx.s3.send(new ListObjectsCommand({ Bucket: work, Prefix: 'staged/' }))).Contents ?? []).filter((o) => o.Key!.includes(shard));
  expect(staged.length).toBeGreaterThan(0);
  for (const object of staged) await h.stack.ctx.s3.send(new DeleteObjectCommand({ Bucket: work, Key: object.Key! }));
  return { records, whole };
}

/**
 * The stack's DynamoDB client, whose shard index still shows the claims deleted through it while `lagging()` says
 * so: on AWS it is a global secondary index, which a delete reaches a moment later.
 */
function withdrawnClaimsShown(lagging: () => boolean): TaskContext['ddb'] {
  const ghosts = new Map<string, Record<string, unknown>>();
  const ddb = h.stack.ctx.ddb;
  return {
    send: async (command: object) => {
      if (command instanceof DeleteCommand && String(command.input.Key?.batchId).endsWith('#delivered')) {
        const { Item } = await ddb.send(new GetCommand({ TableName: h.stack.config.ledgerTable, Key: command.input.Key! }));
        if (Item) ghosts.set(String(Item.batchId), Item);
      }
      const result = (await ddb.send(command as never)) as { Items?: Record<string, unknown>[] };
      if (command instanceof QueryCommand && command.input.IndexName === LEDGER_SHARD_INDEX.name && lagging()) {
        const shardKey = command.input.ExpressionAttributeValues?.[':key'];
        result.Items = [...(result.Items ?? []), ...[...ghosts.values()].filter((ghost) => ghost.shardKey === shardKey)];
      }
      return result;
    },
  } as unknown as TaskContext['ddb'];
}
