import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountStatus, Counts, SourceInfo, WorkflowName } from '../../contracts/batch.ts';
import type { TaskContext } from './context.ts';
import { asTransient } from './s3-objects.ts';

/** One row per batch; a retried or redriven batch overwrites its row (same batch id). */
export interface LedgerRow {
  batchId: string;
  pipeline: string;
  workflow: WorkflowName;
  status: AccountStatus;
  time: string;
  source: SourceInfo;
  shard?: string;
  counts?: Counts;
  partitions?: number;
  execution?: string;
  /** The execution input in the backup bucket, for `sluice redrive`. */
  inputKey?: string;
  error?: { Error?: string; Cause?: string };
}

/** Rows of batches that ended well expire (DynamoDB TTL on `expiresAt`); the others stay until redriven. */
export const LEDGER_RETENTION_DAYS = 30;

/** A chunk's batch belongs to its object: the object's event is what a redrive starts from. */
export const inputBatchId = (batchId: string): string => batchId.replace(/\.chunk-\d+$/, '');

/** Where a batch's execution input is copied when anything of it failed: what a redrive starts from. */
export const inputBackupKey = (batchId: string): string => `inputs/${inputBatchId(batchId)}.json`;

export async function writeLedgerRow(ctx: TaskContext, row: LedgerRow): Promise<void> {
  try {
    const expiresAt = row.status === 'SUCCEEDED' ? Math.floor(ctx.now() / 1000) + LEDGER_RETENTION_DAYS * 86_400 : undefined;
    await ctx.ddb.send(new PutCommand({ TableName: ctx.config.ledgerTable, Item: { ...row, ...(expiresAt ? { expiresAt } : {}) } }));
  } catch (error) {
    throw asTransient(error, `writing ledger row ${row.batchId}`);
  }
}
