import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { asWrite, bareEtag, batchIdentity, type BatchIdentity } from './batch-identity.ts';
import type { TaskContext } from './context.ts';

/**
 * An S3 event's batch as the split takes it: the write its object holds now, when the event's own was replaced
 * (no versions keep it; decode/split.ts reads the later write as that write's batch). What the failure tail and
 * a redrive file under: the event's own row may say its write was delivered, which they must not write over.
 * `identity` (the event's own) when the object cannot be looked at (S3 down: the split read nothing either).
 */
export async function objectAsRead(event: unknown, ctx: TaskContext, identity: BatchIdentity = batchIdentity('s3', event)): Promise<BatchIdentity> {
  const { bucket, key, etag } = identity.source;
  if (!etag || !bucket || !key) return identity;
  let read: string | undefined;
  try {
    const { ETag } = await ctx.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    read = ETag ? bareEtag(ETag) : undefined;
  } catch {
    return identity;
  }
  const written = asWrite(event, read);
  return written === event ? identity : batchIdentity('s3', written);
}
