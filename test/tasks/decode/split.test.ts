import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DecodeChunk } from '../../../contracts/tasks.ts';
import { eventsJsonl } from '../../../local/samples.ts';
import { objectCreatedFor } from '../../../local/s3-events.ts';
import { splitObject } from '../../../tasks/decode/split.ts';
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
  const real = h.stack.ctx.s3;
  const s3 = {
    send: (command: { input: { Key?: string } }) =>
      command instanceof PutObjectCommand && failKey?.test(command.input.Key ?? '')
        ? Promise.reject(Object.assign(new Error('SlowDown: Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } }))
        : real.send(command as PutObjectCommand),
  } as unknown as S3Client;
  const ctx: TaskContext = { ...h.stack.ctx, s3, startChunk: async (chunk) => void started.push(chunk) };
  return { ctx, started };
}

describe('split', () => {
  const body = eventsJsonl(120);
  beforeAll(() => h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: 'uploads/split.jsonl', Body: body })));
  const trigger = { pipeline: 's4-events-processed', workflow: 's3' as const, input: objectCreatedFor('sluice-raw', 'uploads/split.jsonl') };

  it('writes the chunks in order, numbered by line, whatever order their PUTs end in', async () => {
    const { ctx, started } = context();
    const result = await splitObject(trigger, ctx);
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
});
