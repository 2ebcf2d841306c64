import { ClaimCheck } from '../../contracts/batch.ts';
import type { TaskContext } from './context.ts';
import { digest } from './ids.ts';
import { getBytes, putObject } from './s3-objects.ts';

export const isClaimCheck = (value: unknown): value is ClaimCheck => ClaimCheck.is(value);

/** The value itself, or what its claim check points at. */
export async function load<T>(payload: T | ClaimCheck, ctx: TaskContext): Promise<T> {
  if (!isClaimCheck(payload)) return payload;
  const bytes = await getBytes(ctx, payload.ref.bucket, payload.ref.key);
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/**
 * Returns `value` as it is when it is small, else writes it to the work bucket and returns a claim check.
 * The object name is derived from the content, so a retried step rewrites the same object.
 */
export async function store<T>(value: T, count: number, scope: string, ctx: TaskContext): Promise<T | ClaimCheck> {
  const text = JSON.stringify(value);
  const bytes = Buffer.byteLength(text);
  if (bytes <= ctx.config.limits.claimCheckBytes) return value;
  const ref = { bucket: ctx.config.buckets.work, key: `claims/${scope}/${digest(text, 24)}.json` };
  await putObject(ctx, { Bucket: ref.bucket, Key: ref.key, Body: text, ContentType: 'application/json' });
  return { ref, count, bytes };
}
