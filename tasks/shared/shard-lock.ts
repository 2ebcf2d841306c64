import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { TASK_TIMEOUT_SECONDS } from '../../contracts/timing.ts';
import { TransientError } from '../../contracts/errors.ts';
import type { TaskContext } from './context.ts';
import { located } from './transient.ts';

/** A holder outlives no account step (its Lambda times out with its state): past this, a lock left by a killed one is taken over. */
const LEASE_MS = (TASK_TIMEOUT_SECONDS.account + 5) * 1000;
/** How often, and how many times, a batch tries for a held lock before its account step fails retryably (about 8 s). */
const WAIT_MS = 80;
const TRIES = 100;

/**
 * Runs `work` while this batch alone holds its shard's commit lock: an item of the ledger table
 * (`<shardKey>#commit`, with no status and no shard key, so neither index holds it), put only where none
 * is held, or where its lease has passed. Two batches over the same records in flight at once (a redrive
 * beside Pipes' halves, lanes re-read after a restart) check the shard index, commit and claim one after
 * the other: the second finds the first's claim.
 */
export async function withShardLock<T>(ctx: TaskContext, shardKey: string, batchId: string, work: () => Promise<T>): Promise<T> {
  const key = `${shardKey}#commit`;
  for (let tried = 1; ; tried++) {
    // the wall clock, not ctx.now(): the local engine moves an execution's clock past the waits it skips, and a
    // lease read on a clock ahead of its holder's would be taken over while held
    const now = Date.now();
    try {
      await ctx.ddb.send(
        new PutCommand({
          TableName: ctx.config.ledgerTable,
          Item: { batchId: key, holder: batchId, leaseUntil: now + LEASE_MS, expiresAt: Math.floor((now + LEASE_MS) / 1000) + 86_400 },
          // the same batch may take it again: an account step retried after it died holding it
          ConditionExpression: 'attribute_not_exists(batchId) OR leaseUntil < :now OR holder = :me',
          ExpressionAttributeValues: { ':now': now, ':me': batchId },
        }),
      );
      break;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw located(error, `taking the commit lock of ${shardKey} for ${batchId}`);
      if (tried === TRIES) throw new TransientError(`the commit lock of ${shardKey} stayed held by another batch for ${(TRIES * WAIT_MS) / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, WAIT_MS * (0.5 + Math.random())));
    }
  }
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // the work's error is the one the workflow must see; a lock not let go is taken over once its lease passes
    await release(ctx, key, batchId).catch((releaseError: Error) => {
      console.error(JSON.stringify({ message: 'commit lock not let go after a failure', lock: key, batchId, error: releaseError.name, cause: releaseError.message }));
    });
    throw error;
  }
  await release(ctx, key, batchId);
  return result;
}

async function release(ctx: TaskContext, key: string, batchId: string): Promise<void> {
  try {
    await ctx.ddb.send(
      new DeleteCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: key }, ConditionExpression: 'holder = :me', ExpressionAttributeValues: { ':me': batchId } }),
    );
  } catch (error) {
    throw located(error, `letting go of the commit lock ${key} held by ${batchId}`);
  }
}
