import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ContractError } from '../../contracts/decode.ts';
import { isGzip } from './bytes.ts';

/** What zlib's errors carry as `code` (Z_DATA_ERROR, Z_BUF_ERROR, …): the bytes, not the call, are at fault. */
const isZlibError = (error: unknown): boolean => typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('Z_');

/**
 * An S3 object's bytes as they are read, inflated when they start with the gzip magic number, as decode
 * inflates a Kinesis or Firehose record: what the bytes are decides, not the key's `.gz` nor a
 * Content-Encoding (a plain object named `.gz` is read as it is, a gzip'd one named `.jsonl` inflated).
 * A gzip stream that does not inflate (cut short, corrupt) is the object's fault, for good: a ContractError
 * (`Sluice.InvalidInput`) naming it, not an error a redrive would meet again as it is. An error of the
 * read itself (a connection reset) stays what it was.
 */
export async function* objectBytes(body: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<Buffer> {
  const source = body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await source.next();
    if (next.done) break;
    head.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    headBytes += next.value.byteLength;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    for (let next = await source.next(); !next.done; next = await source.next()) yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
  }
  if (!isGzip(Buffer.concat(head))) {
    yield* all();
    return;
  }
  // pipeline, not pipe: an error of the read reaches the gunzip's reader instead of leaving it waiting for an end
  const inflated = pipeline(Readable.from(all()), createGunzip(), () => undefined);
  try {
    for await (const piece of inflated) yield piece as Buffer;
  } catch (error) {
    if (isZlibError(error)) throw new ContractError(where, [`its gzip data does not inflate (${(error as Error).message}): the object is cut short or corrupt`]);
    throw error;
  }
}
