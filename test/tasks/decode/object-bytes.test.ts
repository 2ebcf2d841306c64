import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../contracts/decode.ts';
import { objectBytes } from '../../../tasks/decode/object-bytes.ts';

/** An object's body as the SDK streams it: the bytes in pieces of `size`, then, if given, a failed read. */
async function* body(bytes: Buffer, size: number, failure?: Error): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield new Uint8Array(bytes.subarray(at, at + size));
  if (failure) throw failure;
}

const read = async (pieces: AsyncIterable<Buffer>) => {
  const out: Buffer[] = [];
  for await (const piece of pieces) out.push(piece);
  return Buffer.concat(out).toString();
};

const text = Array.from({ length: 2_000 }, (_, i) => JSON.stringify({ i, note: 'x'.repeat(i % 50) })).join('\n');
const reset = () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });

describe('objectBytes: an S3 object read, inflated by what its bytes are', () => {
  it('inflates gzip whatever the pieces (the magic number split across the first two), and passes other bytes as they are', async () => {
    for (const size of [1, 2, 7, 65_536]) {
      expect(await read(objectBytes(body(gzipSync(text), size), 's3://b/k'))).toBe(text);
      expect(await read(objectBytes(body(Buffer.from(text), size), 's3://b/k'))).toBe(text);
    }
    expect(await read(objectBytes(body(Buffer.alloc(0), 1), 's3://b/k'))).toBe('');
    expect(await read(objectBytes(body(Buffer.from([0x1f]), 1), 's3://b/k'))).toBe('\u001f');
  });

  it('leaves out a byte order mark that starts the object, gzip\'d or not, whatever the pieces', async () => {
    const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const size of [1, 2, 3, 4, 65_536]) {
      expect(await read(objectBytes(body(marked, size), 's3://b/k'))).toBe(text);
      expect(await read(objectBytes(body(gzipSync(marked), size), 's3://b/k'))).toBe(text);
    }
    expect(await read(objectBytes(body(Buffer.from([0xef, 0xbb, 0xbf]), 1), 's3://b/k'))).toBe('');
    // only at the start
    expect(await read(objectBytes(body(Buffer.from('a\n\ufeffb'), 2), 's3://b/k'))).toBe('a\n\ufeffb');
  });

  it('a cut or corrupt gzip stream is the object\'s fault: a ContractError naming it', async () => {
    const zipped = gzipSync(text);
    for (const broken of [zipped.subarray(0, zipped.length - 20), Buffer.concat([zipped.subarray(0, 10), Buffer.from('not deflate at all')])]) {
      const error = await read(objectBytes(body(broken, 512), 's3://b/cut.gz')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ContractError);
      expect((error as Error).message).toContain('s3://b/cut.gz');
    }
  });

  it('a read that fails halfway fails the reader with its own error, gzip\'d or not (a pipe left the gunzip waiting for an end)', async () => {
    for (const bytes of [gzipSync(text), Buffer.from(text)]) {
      const error = await read(objectBytes(body(bytes, 1_000, reset()), 's3://b/k')).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('ECONNRESET');
      expect(error).not.toBeInstanceOf(ContractError);
    }
  });

  it('lets the object\'s body go when its reader stops early (a chunk PUT failed): its socket was left open', async () => {
    for (const bytes of [gzipSync(text), Buffer.from(text)]) {
      let closed = false;
      async function* tracked(): AsyncGenerator<Uint8Array> {
        try {
          yield* body(bytes, 100);
        } finally {
          closed = true;
        }
      }
      for await (const piece of objectBytes(tracked(), 's3://b/k')) if (piece.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(closed).toBe(true);
    }
  });

  it('judges what follows the gzip data, which gunzip leaves unread after a zero byte: zero padding goes, another member after it fails for good (it was dropped, the run SUCCEEDED)', async () => {
    const first = gzipSync('line 1\nline 2\n');
    const tailOf = (bytes: Buffer) => ({ length: bytes.length, from: async (offset: number) => body(bytes.subarray(offset), 3) });
    const padded = Buffer.concat([first, Buffer.alloc(16)]);
    expect(await read(objectBytes(body(padded, 7), 's3://b/k', tailOf(padded)))).toBe('line 1\nline 2\n');
    const hidden = Buffer.concat([first, Buffer.alloc(16), gzipSync('line 3\n')]);
    const error = await read(objectBytes(body(hidden, 7), 's3://b/pad.gz', tailOf(hidden))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as Error).message).toContain(`bytes after its gzip data (from byte ${first.length}, not zero padding: at byte ${first.length + 16})`);
    // members one after another are all read
    const members = Buffer.concat([first, gzipSync('line 3\n')]);
    expect(await read(objectBytes(body(members, 7), 's3://b/k', tailOf(members)))).toBe('line 1\nline 2\nline 3\n');
  });
});
