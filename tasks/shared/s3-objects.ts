import { GetObjectCommand, PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { TaskContext } from './context.ts';
import { located } from './transient.ts';

export async function getBytes(ctx: TaskContext, bucket: string, key: string): Promise<Uint8Array> {
  try {
    const object = await ctx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!object.Body) throw new Error(`s3://${bucket}/${key} has no body`);
    return await object.Body.transformToByteArray();
  } catch (error) {
    throw located(error, `reading s3://${bucket}/${key}`);
  }
}

export async function putObject(ctx: TaskContext, input: PutObjectCommandInput): Promise<void> {
  try {
    await ctx.s3.send(new PutObjectCommand(input));
  } catch (error) {
    throw located(error, `writing s3://${input.Bucket}/${input.Key}`);
  }
}
