import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../local/engine.ts';
import type { TaskContext } from '../../tasks/shared/context.ts';
import { copiesRefusedAfter } from '../doubles/copies-refused.ts';
import { LEDGER_SHARD_INDEX } from '../../contracts/ledger.ts';
import { openStack, taggedEvents, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(async () => {
  await h.stop();
});

const lake = (tag: string) => h.tagged('sluice-raw', 'events/', tag);

/** The stack's S3 client, but a batch's first staged lake object waits for `meanwhile` (its decode is done by then). */
function stagingAfter(meanwhile: () => Promise<unknown>): TaskContext['s3'] {
  let waited: Promise<unknown> | undefined;
  return new Proxy(h.stack.ctx.s3, {
    get: (target, key, receiver) =>
      key === 'send'
        ? async (command: object) => {
            if (command instanceof PutObjectCommand && String(command.input.Key).startsWith('staged/')) await (waited ??= meanwhile());
            return target.send(command as never);
          }
        : Reflect.get(target, key, receiver),
  });
}

/**
 * The stack's DynamoDB client, but once a batch has taken its shard's commit lock, its check of the shard index
 * (the first read after) waits for `meanwhile`, and the lock's lease passes meanwhile (as 20 s of a stalled handler would).
 */
function leasePassesDuringCheck(meanwhile: (lock: string, holder: string) => Promise<unknown>): TaskContext['ddb'] {
  let lock: string | undefined;
  let holder: string | undefined;
  let waited: Promise<unknown> | undefined;
  return new Proxy(h.stack.ctx.ddb, {
    get: (target, key, receiver) =>
      key === 'send'
        ? async (command: object) => {
            const result = await target.send(command as never);
            if (command instanceof UpdateCommand && String(command.input.Key?.batchId).endsWith('#commit') && !lock) {
              lock = String(command.input.Key!.batchId);
              holder = String(command.input.ExpressionAttributeValues?.[':me']);
            } else if (lock && command instanceof QueryCommand) {
              await (waited ??= (async () => {
                await target.send(new UpdateCommand({ TableName: h.stack.config.ledgerTable, Key: { batchId: lock }, UpdateExpression: 'SET leaseUntil = :gone', ExpressionAttributeValues: { ':gone': 0 } }));
                await meanwhile(lock!, holder!);
              })());
            }
            return result;
          }
        : Reflect.get(target, key, receiver),
  });
}

/**
 * The stack's DynamoDB client, whose shard index does not show the claims written through it while `lagging()`
 * says so: on AWS it is a global secondary index, which a write reaches a moment later.
 */
function shardIndexLagging(lagging: () => boolean): TaskContext['ddb'] {
  const claims = new Set<string>();
  return new Proxy(h.stack.ctx.ddb, {
    get: (target, key, receiver) =>
      key === 'send'
        ? async (command: object) => {
            if (command instanceof PutCommand && String(command.input.Item?.batchId).endsWith('#delivered')) claims.add(String(command.input.Item!.batchId));
            const result = (await target.send(command as never)) as { Items?: Record<string, unknown>[] };
            if (command instanceof QueryCommand && command.input.IndexName === LEDGER_SHARD_INDEX.name && lagging()) {
              result.Items = result.Items?.filter((item) => !claims.has(String(item.batchId)));
            }
            return result;
          }
        : Reflect.get(target, key, receiver),
  });
}

describe('two Kinesis batches over the same records in flight at once', () => {
  it('a batch that takes the lock right after another claimed its records, while the shard index (a global secondary index on AWS) does not show that claim yet: it finds it in the lock, commits nothing, and each record is once in the lake', async () => {
    const records = taggedEvents('index-lag', 'shardId-000000000064', 40);
    let lagging = true;
    const engine = new LocalEngine({ ...h.stack.ctx, ddb: shardIndexLagging(() => lagging) }, { skipWaits: true });
    // a redrive of the whole batch claims and commits; Pipes' first half follows at once, and neither its decode nor its check sees that claim in the index
    expect((await engine.run('kinesis', 's4-events-raw', records)).status).toBe('SUCCEEDED');
    const half = await engine.run('kinesis', 's4-events-raw', records.slice(0, 20));
    const rows = await lake('index-lag');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
    expect(half.status).toBe('FAILED');
    expect(half.error).toBe('Sluice.Overtaken');
    // Pipes' retry of the half, once the index shows the claim, drops its records as redelivered
    lagging = false;
    expect((await engine.run('kinesis', 's4-events-raw', records.slice(0, 20))).account?.counts).toMatchObject({ in: 20, dropped: 20 });
    expect(await lake('index-lag')).toHaveLength(40);
  });


  it('a holder whose lease passed while it checked (a handler the local engine cannot stop), overtaken by a batch that took the lock, checked and claimed: it commits nothing, and each record is once in the lake', async () => {
    const records = taggedEvents('lease-passed', 'shardId-000000000063', 40);
    // Pipes' first half takes the lock and reads the shard index (nothing claimed yet); before it goes on, its lease
    // passes, and the whole batch (a redrive) takes the lock over, finds nothing claimed, claims and commits
    let whole: Awaited<ReturnType<typeof h.stack.run>> | undefined;
    const engine = new LocalEngine({ ...h.stack.ctx, ddb: leasePassesDuringCheck(async () => (whole = await h.stack.run('kinesis', 's4-events-raw', records))) }, { skipWaits: true });
    const half = await engine.run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(whole?.status).toBe('SUCCEEDED');
    const rows = await lake('lease-passed');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
    // the half's renewal before its claim failed (another held the lock since); its retry found the whole's claim
    expect(half.status).toBe('FAILED');
    expect(half.error).toBe('Sluice.Overtaken');
  });


  it('a batch decoded before another over its records claimed them (Pipes\' half beside a redrive of the whole, two lanes after a restart): each record once in the lake', async () => {
    const records = taggedEvents('overlap', 'shardId-000000000060', 40);
    // Pipes' first half decodes (no claim yet), then, before it stages its lake objects, the whole batch (a redrive) runs to its end
    let whole: Awaited<ReturnType<typeof h.stack.run>> | undefined;
    const engine = new LocalEngine({ ...h.stack.ctx, s3: stagingAfter(async () => (whole = await h.stack.run('kinesis', 's4-events-raw', records))) }, { skipWaits: true });
    const half = await engine.run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(whole?.status).toBe('SUCCEEDED');
    const rows = await lake('overlap');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
    // the half did not deliver what the whole claimed meanwhile: it failed, and Pipes' retry of it drops its records as redelivered
    expect(half.status).toBe('FAILED');
    expect(half.error).toBe('Sluice.Overtaken');
    const retried = await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(retried.account?.counts).toMatchObject({ in: 20, delivered: 0, dropped: 20 });
    expect(await lake('overlap')).toHaveLength(40);
  });
});

describe('a commit that failed halfway', () => {
  it('Pipes\' halves of a batch whose commit copied some of its lake objects, then failed: the halves find its claim, the first to take the lock finishes its commit, and each record is once in the lake', async () => {
    const records = taggedEvents('half-commit', 'shardId-000000000061', 40);
    // the first lake object is copied, every other copy refused for good (a 403)
    const s3 = copiesRefusedAfter(h.stack.ctx.s3);
    const whole = await new LocalEngine({ ...h.stack.ctx, s3 }, { skipWaits: true }).run('kinesis', 's4-events-raw', records);
    expect(whole.status).toBe('FAILED');
    const committed = await lake('half-commit');
    expect(committed.length).toBeGreaterThan(0);
    expect(committed.length).toBeLessThan(40);
    // Pipes retries the failed batch in halves, S3 healthy again: the whole batch claimed its records before its
    // first copy, so the halves drop them, and the first to take the lock finishes the whole batch's commit
    for (const half of [records.slice(0, 20), records.slice(20)]) expect((await h.stack.run('kinesis', 's4-events-raw', half)).account?.counts).toMatchObject({ in: 20, delivered: 0, dropped: 20 });
    const rows = await lake('half-commit');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
  });

  it('a batch that takes the lock and cannot finish the commit left in it (S3 still refusing) hands it back for the next', async () => {
    const records = taggedEvents('hand-back', 'shardId-000000000062', 40);
    let refuse = true;
    // the first lake object is copied, every later copy refused for good (a 403) while `refuse` holds
    const s3 = copiesRefusedAfter(h.stack.ctx.s3, 1, () => refuse);
    const refusing = new LocalEngine({ ...h.stack.ctx, s3 }, { skipWaits: true });
    expect((await refusing.run('kinesis', 's4-events-raw', records)).status).toBe('FAILED');
    // the first half, S3 still refusing, cannot finish the whole batch's commit: it fails, and leaves it in the lock
    expect((await refusing.run('kinesis', 's4-events-raw', records.slice(0, 20))).status).toBe('FAILED');
    refuse = false;
    // the second half, S3 healthy, finishes it: every record once in the lake
    for (const half of [records.slice(20), records.slice(0, 20)]) expect((await h.stack.run('kinesis', 's4-events-raw', half)).account?.counts).toMatchObject({ in: 20, dropped: 20 });
    const rows = await lake('hand-back');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
  });
});

describe('a batch\'s attempts at its shard\'s commit lock: a stalled one acts as the holder only while it is the attempt the lock names', () => {
  it('a stalled holder whose lock another batch took, claimed under and let go, then its own batch (a retry) took and let go: its renewal must fail; each record once in the lake', async () => {
    const records = taggedEvents('holder-name', 'shardId-000000000065', 40);
    let whole: Awaited<ReturnType<typeof h.stack.run>> | undefined;
    let retry: Awaited<ReturnType<typeof h.stack.run>> | undefined;
    // Pipes' first half (A1) takes the lock and reads the index (nothing claimed); it stalls past its lease (the local
    // engine times its step out but cannot stop the handler). Meanwhile the whole batch (a redrive) takes the lock,
    // claims and commits all 40; then a retry of the half (Pipes', or the account step's Retry on States.Timeout: the
    // same batch id) takes the lock, finds them claimed and lets go: the item now says holder = the half's batch id again.
    const engine = new LocalEngine(
      {
        ...h.stack.ctx,
        ddb: leasePassesDuringCheck(async () => {
          whole = await h.stack.run('kinesis', 's4-events-raw', records);
          retry = await h.stack.run('kinesis', 's4-events-raw', records.slice(0, 20));
        }),
      },
      { skipWaits: true },
    );
    await engine.run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(whole?.status).toBe('SUCCEEDED');
    expect(retry?.account?.counts).toMatchObject({ in: 20, dropped: 20 });
    // A1 resumes with its stale check: its renewal (`holder = :me` before attempts were named) passed, and it claimed and committed the 20 again
    const rows = await lake('holder-name');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
  });

  it('a stalled holder whose lock another batch took and claimed under, then its own batch (the account step\'s Retry on States.Timeout) took again and still holds: its renewal must fail; each record once in the lake', async () => {
    const records = taggedEvents('holder-name-held', 'shardId-000000000066', 40);
    let whole: Awaited<ReturnType<typeof h.stack.run>> | undefined;
    const engine = new LocalEngine(
      {
        ...h.stack.ctx,
        ddb: leasePassesDuringCheck(async (lock, holder) => {
          whole = await h.stack.run('kinesis', 's4-events-raw', records);
          // the retry of the stalled step takes the lock (holder = :me, an attempt of its own) and is in its own check when the stalled one goes on
          await h.stack.ctx.ddb.send(new UpdateCommand({ TableName: h.stack.config.ledgerTable, Key: { batchId: lock }, UpdateExpression: 'SET holder = :me, attempt = :retry, leaseUntil = :until', ExpressionAttributeValues: { ':me': holder, ':retry': 'the retry', ':until': Date.now() + 20_000 } }));
        }),
      },
      { skipWaits: true },
    );
    await engine.run('kinesis', 's4-events-raw', records.slice(0, 20));
    expect(whole?.status).toBe('SUCCEEDED');
    const rows = await lake('holder-name-held');
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
    expect(rows).toHaveLength(40);
  });
});
