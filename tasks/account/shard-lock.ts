import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { Staged } from '../../contracts/batch.ts';
import { claimKey } from '../../contracts/ledger.ts';
import { TransientError } from '../../contracts/errors.ts';
import { TASK_TIMEOUT_SECONDS } from '../../contracts/timing.ts';
import { hasClaim, type RecentClaim } from '../shared/accounted.ts';
import type { TaskContext } from '../shared/context.ts';
import { located } from '../shared/transient.ts';
import { commitStaged } from './commit.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** A holder outlives no account step (its Lambda times out with its state): past this, a lock left by a killed one is taken over. */
const LEASE_MS = (TASK_TIMEOUT_SECONDS.account + 5) * 1000;
/** How often, and how many times, a batch tries for a held lock before its account step fails retryably (about 8 s). */
const WAIT_MS = 80;
const TRIES = 100;
/**
 * How long, and how many of, the claims written under a lock it remembers: a global secondary index shows
 * a write within about a second (DynamoDB's developer guide: "usually within a fraction of a second").
 */
const RECENT_MS = 10_000;
const RECENT_MAX = 32;

/** What a batch commits under its shard's lock: its staged lake objects, and the stretch of its claim (written first), if it claims. */
export interface Commit {
  batchId: string;
  staged: Staged[];
  claim?: { start: string; end: string };
}

/**
 * Commits a Kinesis batch while it alone holds its shard's commit lock: an item of the ledger table
 * (`<shardKey>#commit`, with no status and no shard key, so neither index holds it), taken only where none
 * is held, or where its lease has passed. Two batches over the same records in flight at once (a redrive
 * beside Pipes' halves, lanes re-read after a restart) `check` the shard index, commit and claim one after
 * the other: the second finds the first's claim.
 *
 * The item keeps the objects its holder commits until it is done. A holder that failed on the way (a copy S3
 * refused, a kill) leaves them there, and the next batch to take the lock finishes the commit (copies the
 * rest), so that the records of a commit that began are neither written again by a batch cut another way
 * (Pipes' halves of it: the holder's claim, written before its first copy, drops them) nor missing from the
 * lake. A failure in `check` lets the lock go with nothing left, unless the item held this batch's own commit
 * from an earlier attempt (which may have claimed): that one is left for the next holder.
 *
 * The item outlives its holders (until a day after the last lease) and remembers the claims written under
 * it lately, which `check` is handed: on AWS the shard index may not show them yet.
 */
export async function withShardLock(ctx: TaskContext, shardKey: string, commit: Commit, check: (recent: readonly RecentClaim[]) => Promise<void>, settle: () => Promise<void>): Promise<void> {
  const key = `${shardKey}#commit`;
  // this attempt's name in the item: a Step Functions retry of the step, or Pipes' retry of the batch, is another
  // attempt of the same batch, and a stalled one must not take the lock it holds for its own
  const attempt = randomUUID();
  const { left, recent } = await take(ctx, key, commit, attempt);
  const letGo = (how: 'release' | 'abandon') => letGoOf(ctx, key, attempt, commit, recent, how);
  if (left && left.batchId !== commit.batchId) {
    try {
      await finish(ctx, left);
    } catch (error) {
      // still unfinished: the item still names it, for the next holder
      await letGo('abandon').catch((releaseError: Error) => logNotLetGo(key, commit.batchId, releaseError));
      throw error;
    }
  }
  // an earlier attempt of this batch (a Step Functions retry, a Pipes retry of the whole) may have left its claim and
  // half its copies in the item, which still names them
  const resumed = left?.batchId === commit.batchId;
  try {
    await check(recent);
    // the item names a left commit (another batch's, finished now; an earlier attempt's) until this one's replaces it
    await stillHeld(ctx, key, attempt, commit.batchId, left ? commit : undefined);
  } catch (error) {
    if (error instanceof LockLost) throw error;
    // nothing of this attempt is committed yet; an earlier attempt's commit stays for the next
    await letGo(resumed ? 'abandon' : 'release').catch((releaseError: Error) => logNotLetGo(key, commit.batchId, releaseError));
    throw error;
  }
  try {
    await settle();
  } catch (error) {
    // the next holder finishes what this one began; a lock not let go is taken over once its lease passes
    await letGo('abandon').catch((releaseError: Error) => logNotLetGo(key, commit.batchId, releaseError));
    throw error;
  }
  // the commit is whole: a lock not let go (its lease passed while this holder went on, or DynamoDB refused) is
  // taken over once its lease passes, and failing the step now would only run the batch again
  await letGo('release').catch((releaseError: Error) => logNotLetGo(key, commit.batchId, releaseError));
}

/**
 * Takes the lock, its item noting this commit unless a holder before left one unfinished, which stays
 * named until it is finished (a taker that dies first leaves it to the next, not forgotten under its own);
 * returns that one, and the claims written under the lock lately (which the item keeps across holders).
 */
async function take(ctx: TaskContext, key: string, commit: Commit, attempt: string): Promise<{ left?: Commit; recent: RecentClaim[] }> {
  for (let tried = 1; ; tried++) {
    // the wall clock, not ctx.now(): the local engine moves an execution's clock past the waits it skips, and a
    // lease read on a clock ahead of its holder's would be taken over while held
    const now = Date.now();
    try {
      const old = await ctx.ddb.send(
        new UpdateCommand({
          TableName: ctx.config.ledgerTable,
          Key: { batchId: key },
          UpdateExpression: 'SET holder = :me, attempt = :attempt, leaseUntil = :until, expiresAt = :expires, #commit = if_not_exists(#commit, :commit)',
          // the same batch may take it again: an account step retried after it died holding it (the attempt it
          // replaces, if still alive, then fails its renewal)
          ConditionExpression: 'attribute_not_exists(batchId) OR leaseUntil < :now OR holder = :me',
          ExpressionAttributeNames: { '#commit': 'commit' },
          ExpressionAttributeValues: { ':now': now, ':me': commit.batchId, ':attempt': attempt, ':until': now + LEASE_MS, ':expires': Math.floor((now + LEASE_MS) / 1000) + 86_400, ':commit': commit },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const left = old.Attributes?.commit as Commit | undefined;
      return { ...(left ? { left } : {}), recent: (old.Attributes?.recent as RecentClaim[] | undefined) ?? [] };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw located(error, `taking the commit lock of ${key} for ${commit.batchId}`);
      if (tried === TRIES) throw new TransientError(`the commit lock of ${key} stayed held by another batch for ${(TRIES * WAIT_MS) / 1000} s`);
      await sleep(WAIT_MS * (0.5 + Math.random()));
    }
  }
}

/**
 * Finishes the commit a holder left: when it had claimed its records (which it does before it copies
 * anything), its lake objects are copied (those there already are left as they are, or copied again under
 * the same name). Not when its staged objects are gone (the work bucket keeps them a day): its claim, which
 * stands for records not all in the lake, is then withdrawn, so that a batch over them delivers them again.
 */
async function finish(ctx: TaskContext, left: Commit): Promise<void> {
  // the item names the left commit until this holder's replaces it (stillHeld): a holder that dies on the way (a
  // Lambda timeout, a kill) leaves it to the next, not forgotten, to be finished again (copies of the same names)
  if (await hasClaim(ctx, left.batchId)) {
    try {
      await commitStaged(left.staged, ctx);
    } catch (error) {
      if ((error as Error).name !== 'NoSuchKey') throw error;
      // its claim would make every batch over its records (Pipes' halves, a re-read, its own redrive by stretch)
      // drop records that are not in the lake: it goes, and they are delivered again (some twice), never lost
      console.error(JSON.stringify({ message: 'an unfinished commit cannot be finished: its staged objects are gone; its claim is withdrawn', batchId: left.batchId, cause: (error as Error).message }));
      try {
        await ctx.ddb.send(new DeleteCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: claimKey(left.batchId) } }));
      } catch (deleteError) {
        throw located(deleteError, `withdrawing the claim of ${left.batchId}`);
      }
    }
  }
}

/** A holder whose lease passed before it claimed, and whose lock another batch (or attempt) took: it leaves the lock to that one. */
class LockLost extends TransientError {}

/**
 * Renews the lease just before the claim, if this batch still holds the lock. A holder that took longer
 * than its lease to get here (on AWS its Lambda would have timed out; the local engine fails a timed-out
 * step but cannot stop its handler) may have had the lock taken over, and another batch may have checked
 * and claimed the same records since its own check: claiming and copying now would write them twice.
 * Renewed, it has a whole lease for the claim, which the next holder finishes from if it dies after it.
 * `noting`: the commit the item is to name from now on (this holder's, over one left before it).
 */
async function stillHeld(ctx: TaskContext, key: string, attempt: string, holder: string, noting?: Commit): Promise<void> {
  try {
    if (noting) await asHolder(ctx, key, attempt, 'SET leaseUntil = :until, #commit = :commit', { ':until': Date.now() + LEASE_MS, ':commit': noting }, { '#commit': 'commit' });
    else await asHolder(ctx, key, attempt, 'SET leaseUntil = :until', { ':until': Date.now() + LEASE_MS });
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      throw new LockLost(`${holder} lost the commit lock of ${key} before its claim (its lease passed and another batch took it): nothing of it is committed`);
    }
    throw located(error, `renewing the commit lock of ${key} for ${holder}`);
  }
}

/**
 * An update of the lock's item on condition this attempt holds it (else ConditionalCheckFailedException): not
 * the batch, whose name outlives its attempts (a stalled one, its lease passed, and a retry of the same batch).
 */
async function asHolder(ctx: TaskContext, key: string, attempt: string, update: string, values: Record<string, unknown>, names?: Record<string, string>): Promise<void> {
  await ctx.ddb.send(
    new UpdateCommand({
      TableName: ctx.config.ledgerTable,
      Key: { batchId: key },
      UpdateExpression: update,
      ConditionExpression: 'attempt = :attempt',
      ...(names ? { ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: { ':attempt': attempt, ...values },
    }),
  );
}

/**
 * Lets the lock go: `release` with no commit left in it; `abandon` keeping the one the item names for the next
 * holder to finish (this holder's, or one left before it that it could not finish). Either way the item
 * remembers this holder's claim among the recent ones (read from the table by whoever checks, it stands
 * for nothing if it was not written).
 */
async function letGoOf(ctx: TaskContext, key: string, attempt: string, commit: Commit, recent: readonly RecentClaim[], how: 'release' | 'abandon'): Promise<void> {
  const now = Date.now();
  const remembered = [...recent.filter((claim) => claim.at > now - RECENT_MS && claim.batchId !== commit.batchId), ...(commit.claim ? [{ batchId: commit.batchId, ...commit.claim, at: now }] : [])].slice(-RECENT_MAX);
  // no holder left named: the next take, of any batch, passes on the lease; no attempt can act as the holder any more
  const update = `SET leaseUntil = :gone, recent = :recent REMOVE ${how === 'release' ? '#commit, ' : ''}holder, attempt`;
  try {
    await asHolder(ctx, key, attempt, update, { ':gone': 0, ':recent': remembered }, how === 'release' ? { '#commit': 'commit' } : undefined);
  } catch (error) {
    throw located(error, `letting go of the commit lock ${key} held by ${commit.batchId}`);
  }
}

function logNotLetGo(key: string, batchId: string, error: Error): void {
  console.error(JSON.stringify({ message: 'commit lock not let go: it is taken over once its lease passes', lock: key, batchId, error: error.name, cause: error.message }));
}
