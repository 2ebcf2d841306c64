import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ContractError } from '../../contracts/decode.ts';
import { hasBom, isGzip } from './bytes.ts';

/** What zlib's errors carry as `code` (Z_DATA_ERROR, Z_BUF_ERROR, …): the bytes, not the call, are at fault. */
const isZlibError = (error: unknown): boolean => typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('Z_');

/** The same bytes as a Buffer, not copied. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The first `count` bytes of `pieces` (fewer if it ends sooner), and all of its bytes again, those included. */
async function peek(pieces: AsyncIterable<Uint8Array>, count: number): Promise<{ head: Buffer; all: AsyncGenerator<Buffer> }> {
  const source = pieces[Symbol.asyncIterator]();
  const read: Buffer[] = [];
  let bytes = 0;
  while (bytes < count) {
    const next = await source.next();
    if (next.done) break;
    read.push(asBuffer(next.value));
    bytes += next.value.byteLength;
  }
  async function* all(): AsyncGenerator<Buffer> {
    try {
      yield* read;
      for (let next = await source.next(); !next.done; next = await source.next()) yield asBuffer(next.value);
    } finally {
      // a reader that stops early (a chunk PUT failed) lets the object's body go, and its socket with it
      await source.return?.();
    }
  }
  return { head: Buffer.concat(read), all: all() };
}

/** The object's size, and its bytes from an offset on: what follows its gzip data is read again to be judged. */
export interface ObjectTail {
  length: number;
  from(offset: number): Promise<AsyncIterable<Uint8Array>>;
}

async function* inflated(pieces: AsyncIterable<Buffer>, where: string, tail: ObjectTail | undefined): AsyncGenerator<Buffer> {
  // pipeline, not pipe: an error of the read reaches the gunzip's reader instead of leaving it waiting for an end
  const gunzip = pipeline(Readable.from(pieces), createGunzip(), () => undefined);
  try {
    for await (const piece of gunzip) yield piece as Buffer;
  } catch (error) {
    if (isZlibError(error)) throw new ContractError(where, [`its gzip data does not inflate (${(error as Error).message}): the object is cut short or corrupt`]);
    throw error;
  }
  // gunzip reads member after member, and stops at a zero byte as at padding: what follows it would be left unread
  const consumed = gunzip.bytesWritten;
  if (!tail || consumed >= tail.length) return;
  let at = consumed;
  for await (const piece of await tail.from(consumed)) {
    const nonZero = piece.findIndex((byte) => byte !== 0);
    if (nonZero >= 0) {
      throw new ContractError(where, [`bytes after its gzip data (from byte ${consumed}, not zero padding: at byte ${at + nonZero}), which gunzip would leave unread: another member after zero padding, or not gzip`]);
    }
    at += piece.length;
  }
}

/** The bytes after a UTF-8 byte order mark that starts them: not data, and on a line of its own not a record. */
async function* withoutBom(pieces: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const { head, all } = await peek(pieces, 3);
  // the mark may span the first pieces
  let skip = hasBom(head) ? 3 : 0;
  for await (const piece of all) {
    if (skip === 0) {
      yield piece;
      continue;
    }
    const rest = piece.subarray(Math.min(skip, piece.length));
    skip -= piece.length - rest.length;
    if (rest.length > 0) yield rest;
  }
}

/**
 * An S3 object's bytes as they are read, inflated when they start with the gzip magic number, as decode
 * inflates a Kinesis or Firehose record: what the bytes are decides, not the key's `.gz` nor a
 * Content-Encoding (a plain object named `.gz` is read as it is, a gzip'd one named `.jsonl` inflated),
 * and without the byte order mark that may start them. A gzip stream that does not inflate (cut short,
 * corrupt), or bytes after it that are not zero padding (given the object's `tail`), are the object's fault, for
 * good: a ContractError (`Sluice.InvalidInput`) naming it, not an error a redrive would meet again as it is. An
 * error of the read itself (a connection reset) stays what it was.
 */
export async function* objectBytes(body: AsyncIterable<Uint8Array>, where: string, tail?: ObjectTail): AsyncGenerator<Buffer> {
  const { head, all } = await peek(body, 2);
  yield* withoutBom(isGzip(head) ? inflated(all, where, tail) : all);
}
