import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerRow } from '../../contracts/ledger.ts';
import type { TaskContext } from './context.ts';
import { located } from './transient.ts';

/** Rows of batches that ended well expire (DynamoDB TTL on `expiresAt`); the others stay until redriven. */
export const LEDGER_RETENTION_DAYS = 30;

/** Where a batch's execution input is kept until the batch ends well: what a redrive starts from. */
export const inputBackupKey = (batchId: string): string => `inputs/${batchId}.json`;

type Outcome = Omit<LedgerRow, 'expiresAt'>;

/**
 * Records how a batch ended, over its STARTED row: the fields given are set, the ones named in `remove`
 * dropped, the others (where its input is, when it started) kept.
 */
export async function writeLedgerRow(ctx: TaskContext, row: Outcome, remove: (keyof LedgerRow)[] = []): Promise<void> {
  const { batchId, ...fields } = row;
  const values: Record<string, unknown> = { ...fields };
  if (row.status === 'SUCCEEDED') values.expiresAt = Math.floor(ctx.now() / 1000) + LEDGER_RETENTION_DAYS * 86_400;
  else remove = [...remove, 'expiresAt'];
  try {
    await ctx.ddb.send(new UpdateCommand({ TableName: ctx.config.ledgerTable, Key: { batchId }, ...setAndRemove(values, remove) }));
  } catch (error) {
    throw located(error, `writing ledger row ${batchId}`);
  }
}

/** An update that sets `values` and removes the attributes named in `remove` that it does not set. */
export function setAndRemove(values: Record<string, unknown>, remove: readonly string[]) {
  const names = Object.keys(values);
  const dropped = remove.filter((name) => !(name in values));
  const removal = dropped.length > 0 ? ` REMOVE ${dropped.map((_, i) => `#r${i}`).join(', ')}` : '';
  return {
    UpdateExpression: `SET ${names.map((_, i) => `#s${i} = :s${i}`).join(', ')}${removal}`,
    ExpressionAttributeNames: Object.fromEntries([...names.map((name, i) => [`#s${i}`, name]), ...dropped.map((name, i) => [`#r${i}`, name])]),
    ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:s${i}`, values[name]])),
  };
}

/**
 * The STARTED row of a batch, written by the first step. A retried or redriven start must not undo an
 * outcome already recorded, so the row is written only where none is, or where the last one is itself
 * STARTED or FAILED before this call began (`invokedAt`: a new attempt after a failure). A FAILED row
 * written since is this call's own execution's failure path, which gave up on it: on AWS decode's function
 * may run 60 s (the split's limit) where its Task state gives up after 20 s, and its late row would turn
 * FAILED, which waits for an operator, into STARTED, which the sweep runs again. An S3 object starts over
 * every time instead (object-ledger.ts, startObject): its chunks count into the row of the run that split it.
 */
export async function writeStartedRow(ctx: TaskContext, row: LedgerRow, invokedAt: string): Promise<void> {
  try {
    await ctx.ddb.send(
      new PutCommand({
        TableName: ctx.config.ledgerTable,
        Item: row,
        ConditionExpression: 'attribute_not_exists(batchId) OR #status = :started OR (#status = :failed AND #time < :invoked)',
        ExpressionAttributeNames: { '#status': 'status', '#time': 'time' },
        ExpressionAttributeValues: { ':started': 'STARTED', ':failed': 'FAILED', ':invoked': invokedAt },
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return;
    throw located(error, `writing ledger row ${row.batchId}`);
  }
}
