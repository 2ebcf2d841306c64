import { CopyObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { businessEvent } from '../../local/samples.ts';
import { openStack } from '../e2e/harness.ts';

const jsonl = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ ...businessEvent(from + i), event_id: `routed-${from + i}` })).join('\n');

/** Objects of `sizes` lines under `prefix`, each started as EventBridge would start it (not waiting for it). */
async function startObjects(h: Awaited<ReturnType<typeof openStack>>, prefix: string, sizes: number[]): Promise<string[]> {
  const keys = sizes.map((_, i) => `events/${prefix}/${i}.jsonl`);
  for (const [i, key] of keys.entries()) await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: jsonl(i * 100, sizes[i]!) }));
  for (const key of keys) expect(h.stack.objectCreated('sluice-raw', key, objectCreatedFor('sluice-raw', key))).toBe(1);
  return keys;
}

const keyOf = (result: ExecutionResult) => (result.events[0]?.input as { detail: { object: { key: string } } }).detail.object.key;

describe('executions started by object events', () => {
  it('are handed to onTriggered and let go: settle waits for those in flight and keeps none (a stack that runs for days held every result)', async () => {
    const handed: ExecutionResult[] = [];
    const h = await openStack(defaultConfig, { onTriggered: (result) => void handed.push(result) });
    try {
      await startObjects(h, 'handed', [4, 4, 4]);
      expect(await h.stack.settle()).toStrictEqual([]);
      expect(handed.map((result) => [result.status, result.account?.counts.in])).toStrictEqual([
        ['SUCCEEDED', 4],
        ['SUCCEEDED', 4],
        ['SUCCEEDED', 4],
      ]);
    } finally {
      await h.stack.stop();
    }
  });

  it('are kept for settle when nothing takes them, in the order they started, and returned once', async () => {
    const h = await openStack(defaultConfig);
    try {
      // the larger object first: it ends last
      const keys = await startObjects(h, 'kept', [400, 2, 3]);
      const results = await h.stack.settle();
      expect(results.map((result) => [keyOf(result), result.status, result.account?.counts.in])).toStrictEqual([
        [keys[0], 'SUCCEEDED', 400],
        [keys[1], 'SUCCEEDED', 2],
        [keys[2], 'SUCCEEDED', 3],
      ]);
      expect(await h.stack.settle()).toStrictEqual([]);
    } finally {
      await h.stack.stop();
    }
  });

  it("carry the ETag of a copy, as S3's do (s3rver leaves it out of its Copy records): seed S4's raw objects are committed by copy", async () => {
    const h = await openStack(defaultConfig, { routeObjectEvents: true });
    try {
      await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: 'staging/copied.jsonl', Body: jsonl(900, 3) }));
      const { CopyObjectResult } = await h.stack.servers.s3.send(new CopyObjectCommand({ Bucket: 'sluice-raw', Key: 'events/copied.jsonl', CopySource: 'sluice-raw/staging/copied.jsonl' }));
      const [result] = await h.stack.settle();
      expect(result).toMatchObject({ status: 'SUCCEEDED', account: { counts: { in: 3, delivered: 3 } } });
      const object = (result!.events[0]?.input as { detail: { object: { key: string; etag?: string } } }).detail.object;
      expect(object).toMatchObject({ key: 'events/copied.jsonl', etag: JSON.parse(CopyObjectResult!.ETag!) });
    } finally {
      await h.stack.stop();
    }
  });
});
