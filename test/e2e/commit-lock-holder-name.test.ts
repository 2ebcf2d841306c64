import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../local/engine.ts';
import type { TaskContext } from '../../tasks/shared/context.ts';
import { openStack, taggedEvents, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(async () => {
  await h.stop();
});

const lake = (tag: string) => h.tagged('sluice-raw', 'events/', tag);

/** As overlapping-batches.test.ts: once the lock is taken, the check's index read (already answered) waits for `meanwhile`, its lease passed. */
function leasePassesDuringCheck(meanwhile: (lock: string, holder: string) => Promise<unknown>): TaskContext['ddb'] {
  let lock: string | undefined;
  let holder: string | undefined;
  let waited: Promise<unknown> | undefined;
  return new Proxy(h.stack.ctx.ddb, {
    get: (target, key, receiver) =>
      key === 'send'
        ? async (command: object) => {
            const result = await target.send(command as never);
            const on = command instanceof UpdateCommand ? command.input.Key?.batchId : command instanceof PutCommand ? command.input.Item?.batchId : undefined;
            if (String(on).endsWith('#commit') && !lock) {
              lock = String(on);
              holder = String((command as UpdateCommand).input.ExpressionAttributeValues?.[':me']);
            }
            else if (lock && command instanceof QueryCommand) {
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
