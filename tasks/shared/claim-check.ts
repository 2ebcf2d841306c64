import { ClaimCheck } from '../../contracts/batch.ts';
import type { ClaimStore } from '../../contracts/claim-store.ts';
import type { TaskContext } from './context.ts';
import { digest } from './ids.ts';
import { getBytes, putObject } from './s3-objects.ts';

export const isClaimCheck = (value: unknown): value is ClaimCheck => ClaimCheck.is(value);

/** The work bucket, through the context's S3 client. */
export const s3Claims = (ctx: TaskContext): ClaimStore => ({
  put: (ref, text) => putObject(ctx, { Bucket: ref.bucket, Key: ref.key, Body: text, ContentType: 'application/json' }),
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
 * Returns `value` as it is when it is small, else keeps it in the claim store and returns a claim check.
 * The object name is derived from the content, so a retried step rewrites the same object.
 */
export async function store<T>(value: T, count: number, scope: string, ctx: TaskContext): Promise<T | ClaimCheck> {
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text);
  if (bytes <= ctx.config.limits.claimCheckBytes) return value;
  const ref = { bucket: ctx.config.buckets.work, key: `claims/${scope}/${digest(text, 24)}.json` };
  await claimsOf(ctx).put(ref, text, value);
  return { ref, count, bytes };
}
