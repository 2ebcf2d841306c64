import { GetObjectCommand, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { ChunkRef, SourceInfo } from '../../contracts/batch.ts';
import type { DecodeChunk, DecodeTrigger, SplitResult } from '../../contracts/tasks.ts';
import { asWrite, bareEtag, s3Object } from '../shared/batch-identity.ts';
import type { TaskContext } from '../shared/context.ts';
import { digest } from '../shared/ids.ts';
import { beginObject, startObject } from '../shared/object-ledger.ts';
import { putObject } from '../shared/s3-objects.ts';
import { located } from '../shared/transient.ts';
import { countLines, countNewlines } from './lines.ts';
import { objectBytes } from './object-bytes.ts';

/** An object that is one chunk: its bytes, decoded by this execution itself (no chunk object, no second execution). */
export interface OneChunk {
  batchId: string;
  source: SourceInfo;
  bytes: Buffer;
  /** The event, as the batch it names (the write that was read). */
  input: unknown;
}

/**
 * Streams an S3 object and cuts it at line boundaries into chunk objects of about `limits.chunkBytes`
 * in the work bucket. Memory stays at about one chunk, whatever the object's size. The object's STARTED
 * row, written first, holds the trigger event itself: small, and there even when S3 is down. An object
 * that turns out to be one chunk (what it holds decides, not the event's size: a gzip'd object grows as
 * it is read) is not put back: its bytes are returned, for the caller to decode as a batch of its own.
 */
export async function splitObject(trigger: DecodeTrigger, ctx: TaskContext): Promise<SplitResult | OneChunk> {
  let input = trigger.input;
  let { batchId, ...source } = s3Object(input);
  const { bucket, key, versionId } = source;
  // read first: the write the bytes are decides the batch (its STARTED row waits for the answer, and is written
  // before a failed read is thrown, so that the event is in the ledger even when S3 is down)
  let object: GetObjectCommandOutput | undefined;
  let readFailure: unknown;
  try {
    object = await ctx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }));
  } catch (error) {
    readFailure = error;
  }
  // the body waits unread while the row is written: an error of its socket meanwhile is kept for its reader (who
  // meets it as the stream's error), not thrown as an event no one listens to, which would end the process
  (object?.Body as { once?: (event: string, listener: () => void) => void } | undefined)?.once?.('error', () => undefined);
  const read = object?.ETag ? bareEtag(object.ETag) : undefined;
  const written = asWrite(input, read);
  if (written !== input) {
    // the bytes this event announced are gone (no versions keep them): what is read is a later write, a batch of
    // its own, which its own event delivers too. Read as that batch: under this event's, it would write over the
    // lake objects this event's own write made, if they were delivered before (a duplicate event after an
    // overwrite), and put the later write's records there twice. Not refused: sample events (AWS's, SAM's) carry
    // ETags of their own, and a user runs them on a file of theirs
    console.error(JSON.stringify({ message: 'the object was written again after this event: what is read is the later write, taken as that write\'s batch (its own event delivers it too, under the same names)', object: `s3://${bucket}/${key}`, eventEtag: source.etag, objectEtag: read, eventBatchId: batchId }));
    input = written;
    ({ batchId, ...source } = s3Object(input));
  }
  const now = new Date(ctx.now()).toISOString();
  let chunkBytes: number;
  try {
    chunkBytes = await startObject(ctx, {
      batchId,
      pipeline: trigger.pipeline,
      workflow: 's3',
      status: 'STARTED',
      time: now,
      startedAt: now,
      source,
      input,
      ...(trigger.execution ? { execution: trigger.execution } : {}),
    }, ctx.config.limits.chunkBytes);
  } catch (error) {
    // the body read is let go with its socket
    (object?.Body as { destroy?: () => void } | undefined)?.destroy?.();
    throw error;
  }
  if (!object) throw located(readFailure, `reading s3://${bucket}/${key}`);
  const tail = object.ContentLength === undefined ? undefined : { length: object.ContentLength, from: (offset: number) => rangeOf(ctx, { bucket, key, versionId, etag: object.ETag }, offset) };
  const body = objectBytes(object.Body as AsyncIterable<Uint8Array>, `s3://${bucket}/${key}`, tail);

  const chunks: ChunkRef[] = [];
  let nextLine = 1;
  // chunk PUTs overlap the read and each other (PARALLEL_PUTS at most): one at a time, a 1 GB object's
  // 1,024 PUTs to a local S3 took longer than the split's limit; memory grows by those chunks only
  const puts = new Set<Promise<void>>();
  let failed: { error: unknown } | undefined;
  const put = async (bytes: Buffer) => {
    const ref = { bucket: ctx.config.buckets.work, key: `chunks/${batchId}/${String(chunks.length).padStart(5, '0')}.jsonl` };
    chunks.push({ ref, count: countLines(bytes), bytes: bytes.length, firstLine: nextLine });
    nextLine += countNewlines(bytes);
    const put: Promise<void> = putObject(ctx, { Bucket: ref.bucket, Key: ref.key, Body: bytes, ContentType: 'application/x-ndjson' })
      .then(
        () => undefined,
        (error: unknown) => void (failed ??= { error }),
      )
      .finally(() => puts.delete(put));
    puts.add(put);
    if (puts.size >= PARALLEL_PUTS) await Promise.race(puts);
    if (failed) throw failed.error;
  };
  // the first chunk is held until a second one shows the object is more than one
  let held: Buffer | undefined;
  const emit = async (bytes: Buffer) => {
    if (chunks.length === 0 && held === undefined) {
      held = bytes;
      return;
    }
    if (held) await put(held);
    held = undefined;
    await put(bytes);
  };

  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const piece of body) {
    pending.push(piece);
    pendingBytes += piece.length;
    if (pendingBytes < chunkBytes) continue;
    // a cut is a newline at or past chunkBytes - 1: what was held before holds none (it would have been cut), so only
    // this piece can; a line of megabytes is not joined and searched again at each piece (a 60 MB line timed the split out)
    if (piece.indexOf(0x0a, Math.max(0, chunkBytes - 1 - (pendingBytes - piece.length))) === -1) continue;
    let joined = Buffer.concat(pending);
    // cut after the first newline past each chunkBytes boundary: chunks hold whole lines
    let cut = joined.indexOf(0x0a, chunkBytes - 1);
    while (cut !== -1) {
      await emit(joined.subarray(0, cut + 1));
      joined = joined.subarray(cut + 1);
      cut = joined.length >= chunkBytes ? joined.indexOf(0x0a, chunkBytes - 1) : -1;
    }
    pending = joined.length > 0 ? [joined] : [];
    pendingBytes = joined.length;
  }
  if (pendingBytes > 0) await emit(Buffer.concat(pending));
  if (held) return { batchId, source: { ...source, lines: countLines(held) }, bytes: held, input };
  await Promise.all(puts);
  if (failed) throw failed.error;

  // the chunks count into the row of this run; then each becomes an execution of its own
  const run = trigger.execution ?? `run-${crypto.randomUUID()}`;
  const lines = chunks.reduce((sum, chunk) => sum + chunk.count, 0);
  await beginObject(ctx, batchId, run, chunks.length, lines);
  await startChunks(ctx, chunks.map((chunk, index) => ({ pipeline: trigger.pipeline, workflow: 's3', batchId, source, chunk, index, run })));
  return { pipeline: trigger.pipeline, workflow: 's3', batchId, source, chunks: chunks.length, lines, run };
}

/** An object's bytes from `offset` on (what follows its gzip data, to be judged). */
async function rangeOf(ctx: TaskContext, { bucket, key, versionId, etag }: { bucket: string; key: string; versionId?: string | undefined; etag?: string | undefined }, offset: number): Promise<AsyncIterable<Uint8Array>> {
  try {
    // the same write's bytes (IfMatch), not a later one's
    const { Body } = await ctx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-`, ...(versionId ? { VersionId: versionId } : {}), ...(etag ? { IfMatch: etag } : {}) }));
    return Body as AsyncIterable<Uint8Array>;
  } catch (error) {
    throw located(error, `reading s3://${bucket}/${key} from byte ${offset}`);
  }
}

/** How many chunk PUTs are in flight at once. */
const PARALLEL_PUTS = 4;

/** How many StartExecution calls are in flight at once. */
const PARALLEL_STARTS = 8;

async function startChunks(ctx: TaskContext, chunks: DecodeChunk[]): Promise<void> {
  const start = ctx.startChunk;
  if (chunks.length > 0 && !start) throw new Error('nothing here can start chunk executions (TaskContext.startChunk)');
  for (let i = 0; i < chunks.length; i += PARALLEL_STARTS) {
    await Promise.all(
      chunks.slice(i, i + PARALLEL_STARTS).map(async (chunk) => {
        try {
          await start!(chunk, `${digest(chunk.run, 24)}-chunk-${String(chunk.index).padStart(5, '0')}`);
        } catch (error) {
          throw located(error, `starting chunk ${chunk.index} of ${chunk.batchId}`);
        }
      }),
    );
  }
}
