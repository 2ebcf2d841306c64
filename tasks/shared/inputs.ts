import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { TaskContext } from './context.ts';
import { inputBackupKey } from './ledger.ts';
import { putObject } from './s3-objects.ts';
import { located } from './transient.ts';

/** Inputs up to this size can live in their ledger row when S3 cannot take them (DynamoDB items: 400 KB). */
export const MAX_INLINE_INPUT_BYTES = 200_000;

/** Where a batch's input is kept: an object in the backup bucket, or the row itself. */
export type KeptInput = { inputKey: string } | { input: unknown };

/**
 * Keeps an execution input where a redrive finds it, before any sink is touched: in the backup bucket
 * (claim checks resolved by the caller: work objects expire). When S3 refuses, a small input is kept in
 * the ledger row instead; a large one fails the step (nothing has been written yet, so the trigger's
 * retry loses nothing).
 */
export async function keepInput(ctx: TaskContext, batchId: string, input: unknown): Promise<KeptInput> {
  const key = inputBackupKey(batchId);
  const text = JSON.stringify(input);
  try {
    await putObject(ctx, { Bucket: ctx.config.buckets.backup, Key: key, Body: text, ContentType: 'application/json' });
    return { inputKey: key };
  } catch (error) {
    if (Buffer.byteLength(text) <= MAX_INLINE_INPUT_BYTES) return { input };
    throw error;
  }
}

/** A batch that ended well needs no copy of its input (S3 does not charge for DELETE). */
export async function dropInput(ctx: TaskContext, inputKey: string): Promise<void> {
  try {
    await ctx.s3.send(new DeleteObjectCommand({ Bucket: ctx.config.buckets.backup, Key: inputKey }));
  } catch (error) {
    throw located(error, `deleting s3://${ctx.config.buckets.backup}/${inputKey}`);
  }
}
