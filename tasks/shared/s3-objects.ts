import { GetObjectCommand, PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { TransientError } from '../../contracts/errors.ts';
import type { TaskContext } from './context.ts';
import { isTransient } from './transient.ts';

/** Failures that may pass are rethrown as Sluice.Transient so the workflow's Retry takes them. */
export function asTransient(error: unknown, what: string): unknown {
  if (error instanceof TransientError || !isTransient(error)) return error;
  return new TransientError(`${what}: ${(error as Error).message}`, { cause: error });
}

export async function getBytes(ctx: TaskContext, bucket: string, key: string): Promise<Uint8Array> {
  try {
    const object = await ctx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return await object.Body.transformToByteArray();
  } catch (error) {
    throw asTransient(error, `reading s3://${bucket}/${key}`);
  }
}

export async function putObject(ctx: TaskContext, input: PutObjectCommandInput): Promise<void> {
  try {
    await ctx.s3.send(new PutObjectCommand(input));
  } catch (error) {
    throw asTransient(error, `writing s3://${input.Bucket}/${input.Key}`);
  }
}
