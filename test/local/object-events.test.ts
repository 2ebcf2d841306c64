import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { businessEvent } from '../../local/samples.ts';
import { openStack } from '../e2e/harness.ts';

const jsonl = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ ...businessEvent(from + i), event_id: `routed-${from + i}` })).join('\n');

describe('executions started by object events', () => {
  it('are handed to onTriggered and let go: settle waits for those in flight and keeps none (a stack that runs for days held every result)', async () => {
    const handed: ExecutionResult[] = [];
    const h = await openStack(defaultConfig, { routeObjectEvents: true, onTriggered: (result) => void handed.push(result) });
    try {
      for (let i = 0; i < 3; i++) await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: `events/routed/${i}.jsonl`, Body: jsonl(i * 10, 4) }));
      // s3rver's events arrive after the PUTs have been answered
      for (let waited = 0; handed.length < 3 && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
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

  it('are kept for settle when nothing takes them', async () => {
    const h = await openStack(defaultConfig, { routeObjectEvents: true });
    try {
      await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: 'events/kept/0.jsonl', Body: jsonl(100, 2) }));
      let results: ExecutionResult[] = [];
      for (let waited = 0; results.length === 0 && waited < 30_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        results = await h.stack.settle();
      }
      expect(results.map((result) => [result.status, result.account?.counts.in])).toStrictEqual([['SUCCEEDED', 2]]);
      expect(await h.stack.settle()).toStrictEqual([]);
    } finally {
      await h.stack.stop();
    }
  });
});
