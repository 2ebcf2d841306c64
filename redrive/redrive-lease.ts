import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RedriveLease } from '../contracts/ledger.ts';
import { EXPRESS_LIMIT_SECONDS } from '../contracts/timing.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import { located } from '../tasks/shared/transient.ts';
import type { Redrivable } from './redrivable.ts';

/** How long a redrive holds its batch: the longest its (synchronous) execution can run, and a minute. */
export const REDRIVE_LEASE_SECONDS = EXPRESS_LIMIT_SECONDS + 60;

/**
 * Takes a batch for one redrive, whichever process asks (two `sluice redrive --aws`, the sweep beside an
 * operator, two inspector tabs): a conditional write of the batch's ledger row, which holds only while the
 * row stands as it was read and no other redrive's lease is still running. Two redrives of one batch
 * would put a transform batch's records back on their stream twice. A redrive that stops without letting
 * go (a killed process) holds the batch until its lease lapses. Returns the lease, or why the batch is not
 * taken.
 */
export async function takeLease(ctx: TaskContext, batch: Redrivable): Promise<RedriveLease | { refused: string }> {
  const now = ctx.now();
  const lease: RedriveLease = { token: randomUUID(), until: new Date(now + REDRIVE_LEASE_SECONDS * 1000).toISOString() };
  try {
    await ctx.ddb.send(
      new UpdateCommand({
        TableName: ctx.config.ledgerTable,
        Key: { batchId: batch.batchId },
        UpdateExpression: 'SET redriveLease = :lease',
        ConditionExpression: '#status = :status AND #time = :time AND (attribute_not_exists(redriveLease) OR redriveLease.#until < :now)',
        ExpressionAttributeNames: { '#status': 'status', '#time': 'time', '#until': 'until' },
        ExpressionAttributeValues: { ':lease': lease, ':status': batch.status, ':time': batch.time, ':now': new Date(now).toISOString() },
      }),
    );
    return lease;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw located(error, `taking ledger row ${batch.batchId} for its redrive`);
  }
  const { Item: row } = await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: batch.batchId }, ConsistentRead: true }));
  if (row?.status !== batch.status || row.time !== batch.time) {
    return { refused: `the batch changed since it was read (${row ? `it stands ${String(row.status)} now` : 'its ledger row is gone'}): another redrive, or its own execution, went first` };
  }
  const held = row.redriveLease as RedriveLease | undefined;
  return { refused: `another redrive of this batch is under way (it holds the batch until ${held?.until ?? '?'}, when its hold lapses should it have stopped)` };
}

/**
 * Lets the batch go once its redrive has ended. When the row no longer holds this lease (the redriven
 * execution wrote the row anew, or the lease lapsed and another redrive took it), there is nothing to let go.
 */
export async function letGo(ctx: TaskContext, batchId: string, lease: RedriveLease): Promise<void> {
  try {
    await ctx.ddb.send(
      new UpdateCommand({
        TableName: ctx.config.ledgerTable,
        Key: { batchId },
        UpdateExpression: 'REMOVE redriveLease',
        ConditionExpression: 'redriveLease.#token = :token',
        ExpressionAttributeNames: { '#token': 'token' },
        ExpressionAttributeValues: { ':token': lease.token },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw located(error, `letting go of ledger row ${batchId} after its redrive`);
  }
}
