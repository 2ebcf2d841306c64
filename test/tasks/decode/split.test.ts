import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecodeChunk } from '../../../contracts/tasks.ts';
import { eventsJsonl } from '../../../local/samples.ts';
import { objectCreatedFor } from '../../../local/s3-events.ts';
import { splitObject } from '../../../tasks/decode/split.ts';
import { s3Object } from '../../../tasks/shared/batch-identity.ts';
import type { TaskContext } from '../../../tasks/shared/context.ts';
import { configWith, openStack, type Harness } from '../../e2e/harness.ts';

/**
 * The split's chunk PUTs overlap (several in flight): the chunks must still be numbered, counted and
 * started in the object's order, and a PUT that fails must fail the split, with no chunk started.
 */
let h: Harness;
beforeAll(async () => {
  h = await openStack(configWith((config) => (config.limits.chunkBytes = 2_000)));
});
afterAll(() => h.stop());

/** The stack's context, its S3 client failing the PUT of one chunk key as S3 can (503 SlowDown), and its chunk starts recorded. */
function context(failKey?: RegExp) {
  const started: DecodeChunk[] = [];
  const puts: string[] = [];
  const real = h.stack.ctx.s3;
  const s3 = {
    send: (command: { input: { Key?: string } }) => {
      if (!(command instanceof PutObjectCommand)) return real.send(command as GetObjectCommand);
      puts.push(command.input.Key ?? '');
      return failKey?.test(command.input.Key ?? '')
        ? Promise.reject(Object.assign(new Error('SlowDown: Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }))
        : real.send(command);
    },
  } as unknown as S3Client;
  const ctx: TaskContext = { ...h.stack.ctx, s3, startChunk: async (chunk) => void started.push(chunk) };
  return { ctx, started, puts };
}

const put = (key: string, body: string) => h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: body }));
const triggerOf = (key: string) => ({ pipeline: 's4-events-processed', workflow: 's3' as const, input: objectCreatedFor('sluice-raw', key) });

describe('split', () => {
  const body = eventsJsonl(120);
  beforeAll(() => put('uploads/split.jsonl', body));
  const trigger = triggerOf('uploads/split.jsonl');

  it('writes the chunks in order, numbered by line, whatever order their PUTs end in', async () => {
    const { ctx, started } = context();
    const result = await splitObject(trigger, ctx);
    if (!('chunks' in result)) throw new Error('not split');
    expect(result.chunks).toBeGreaterThan(8);
    expect(started.map((c) => c.index)).toStrictEqual([...Array(result.chunks).keys()]);
    let text = '';
    let line = 1;
    for (const { chunk } of started) {
      expect(chunk.firstLine).toBe(line);
      const part = await (await h.stack.servers.s3.send(new GetObjectCommand({ Bucket: chunk.ref.bucket, Key: chunk.ref.key }))).Body!.transformToString();
      expect(part.length).toBe(chunk.bytes);
      line += part.split('\n').length - 1;
      text += part;
    }
    expect(text).toBe(body);
    expect(result.lines).toBe(120);
  });

  it('fails when one chunk PUT fails, and starts no chunk execution', async () => {
    const { ctx, started } = context(/\/00003\.jsonl$/);
    await expect(splitObject(trigger, ctx)).rejects.toThrow(/SlowDown/);
    expect(started).toHaveLength(0);
  });

  it('fails when the PUT of the first chunk (held until a second one came) fails, and starts nothing', async () => {
    const { ctx, started } = context(/\/00000\.jsonl$/);
    await expect(splitObject(trigger, ctx)).rejects.toThrow(/SlowDown/);
    expect(started).toHaveLength(0);
  });

  it('hands back an object that ends exactly at a cut: one chunk, nothing left over', async () => {
    // lines of 100 bytes with their newline: the cut is after the first newline from byte 2,000 on, the object's last byte
    const line = (i: number) => `{"n":"${String(i).padStart(4, '0')}","pad":"${'x'.repeat(78)}"}`;
    const body = `${Array.from({ length: 20 }, (_, i) => line(i)).join('\n')}\n`;
    expect([line(0).length + 1, body.length]).toStrictEqual([100, 2_000]);
    await put('uploads/exact.jsonl', body);
    const { ctx, started, puts } = context();
    const result = await splitObject(triggerOf('uploads/exact.jsonl'), ctx);
    if (!('bytes' in result)) throw new Error('split, not handed back');
    expect([result.bytes.length, result.source.lines, puts, started]).toStrictEqual([2_000, 20, [], []]);
  });

  it('cuts an object seen before as its earlier run did when that run delivered something, else at the size in force', async () => {
    const { ctx } = context();
    const key = 'uploads/seen-before.jsonl';
    await put(key, eventsJsonl(30));
    const { batchId } = s3Object(objectCreatedFor('sluice-raw', key));
    const earlier = async (row: Record<string, unknown>) => {
      await h.stack.ctx.ddb.send(new PutCommand({ TableName: h.stack.config.ledgerTable, Item: { batchId, pipeline: 's4-events-processed', workflow: 's3', time: 't', source: {}, chunkBytes: 1_000_000, ...row } }));
      const result = await splitObject(triggerOf(key), ctx);
      return 'bytes' in result ? 'one chunk' : `${result.chunks} chunks`;
    };
    // the stack's size here is 2,000 bytes: the object is several chunks; at the pinned 1 MB, one
    expect(await earlier({ status: 'BACKED_UP' })).toBe('one chunk');
    expect(await earlier({ status: 'SUCCEEDED' })).toBe('one chunk');
    expect(await earlier({ status: 'STARTED', doneChunks: new Set(['0']) })).toBe('one chunk');
    // nothing delivered: a FAILED run (S3 down, a split that timed out) or one still STARTED pins nothing
    expect(await earlier({ status: 'FAILED' })).toMatch(/^\d+ chunks$/);
    expect(await earlier({ status: 'STARTED' })).toMatch(/^\d+ chunks$/);
    // what a run leaves goes when the next starts; the size it cut with stays
    const row = (await h.stack.ctx.ddb.send(new GetCommand({ TableName: h.stack.config.ledgerTable, Key: { batchId } }))).Item!;
    expect(row).toMatchObject({ status: 'STARTED', chunkBytes: 2_000 });
    expect(row).not.toHaveProperty('doneChunks');
  });

  it('hands back an object of one chunk as it is: no chunk object, no chunk execution', async () => {
    const one = eventsJsonl(5);
    expect(one.length).toBeLessThan(2_000);
    await put('uploads/one.jsonl', `${one}\n\n`);
    const { ctx, started, puts } = context();
    const result = await splitObject(triggerOf('uploads/one.jsonl'), ctx);
    if (!('bytes' in result)) throw new Error('split, not handed back');
    expect(result.bytes.toString()).toBe(`${one}\n\n`);
    expect(result.source).toStrictEqual({ bucket: 'sluice-raw', key: 'uploads/one.jsonl', lines: 5, arrivedAt: expect.any(Number) });
    expect([puts, started]).toStrictEqual([[], []]);
  });

  it('puts the first chunk too once a second one follows', async () => {
    const lines = eventsJsonl(30).split('\n').filter(Boolean);
    // cut after the first newline past 2,000 bytes: the lines up to it are chunk 0, the one line left chunk 1
    let first = 0;
    for (let bytes = 0; bytes < 2_000; first++) bytes += Buffer.byteLength(lines[first]!) + 1;
    await put('uploads/two.jsonl', `${lines.slice(0, first + 1).join('\n')}\n`);
    const { ctx, started, puts } = context();
    const result = await splitObject(triggerOf('uploads/two.jsonl'), ctx);
    if (!('chunks' in result)) throw new Error('not split');
    expect([result.chunks, result.lines]).toStrictEqual([2, first + 1]);
    expect(puts.map((key) => key.slice(-11))).toStrictEqual(['00000.jsonl', '00001.jsonl']);
    expect(started.map((chunk) => [chunk.index, chunk.chunk.firstLine, chunk.chunk.count])).toStrictEqual([
      [0, 1, first],
      [1, first + 1, 1],
    ]);
  });
});
