import { randomUUID } from 'node:crypto';
import { ClaimCheck } from '../../contracts/batch.ts';
import type { ClaimStore } from '../../contracts/claim-store.ts';
import type { TaskContext } from './context.ts';
import { jsonBytes } from './json-bytes.ts';
import { getBytes, putObject } from './s3-objects.ts';

export const isClaimCheck = (value: unknown): value is ClaimCheck => ClaimCheck.is(value);

/** The work bucket, through the context's S3 client. */
export const s3Claims = (ctx: TaskContext): ClaimStore => ({
  put: async (ref, value) => {
    const text = JSON.stringify(value);
    await putObject(ctx, { Bucket: ref.bucket, Key: ref.key, Body: text, ContentType: 'application/json' });
    return Buffer.byteLength(text);
  },
  get: async (ref) => Buffer.from(await getBytes(ctx, ref.bucket, ref.key)).toString('utf8'),
});

const claimsOf = (ctx: TaskContext): ClaimStore => ctx.claims ?? s3Claims(ctx);

/** The value itself, or what its claim check points at (as it was stored, when the store kept it in process). */
export async function load<T>(payload: T | ClaimCheck, ctx: TaskContext): Promise<T> {
  if (!isClaimCheck(payload)) return payload;
  const claims = claimsOf(ctx);
  const kept = claims.kept?.(payload.ref);
  if (kept !== undefined) return kept as T;
  return JSON.parse(await claims.get(payload.ref)) as T;
}

/**
 * Returns `value` as it is when it is small (up to `threshold` bytes, the configured `claimCheckBytes` unless
 * given), else keeps it in the claim store and returns a claim check.
 * Its size is measured without writing it out (`jsonBytes`), and only as far as the threshold. Each claim check gets an object of its own: a
 * name derived from the content would need the content written out and hashed, for every large body at
 * every boundary, where the local engine, which keeps the value, needs neither. A retried step writes a
 * second object, which the work bucket lets go with the rest after a day (on AWS: the local stack's work
 * bucket keeps what was put outside an execution, a large Firehose request each time it is sent).
 */
export async function store<T>(value: T, count: number, scope: string, ctx: TaskContext, threshold = ctx.config.limits.claimCheckBytes): Promise<T | ClaimCheck> {
  if (jsonBytes(value, threshold) <= threshold) return value;
  const ref = { bucket: ctx.config.buckets.work, key: `claims/${scope}/${randomUUID()}.json` };
  const bytes = await claimsOf(ctx).put(ref, value);
  return bytes === undefined ? { ref, count } : { ref, count, bytes };
}
