import { GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { ListObjectsCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { startRunningStack } from '../../local/running-stack.ts';
import { streamOf } from '../../local/servers.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The running stack lets its streams' expired records go on its own (stream-retention.ts is tested with
 * a faked clock; kinesalite's clock here is the servers' thread's): every pass reads each shard of each
 * kinesis pipeline's stream from TRIM_HORIZON, again and again, and none once the stack is stopping.
 */
const dir = mkdtempSync(join(tmpdir(), 'sluice-expiry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the running stack\'s stream and work-bucket expiry', () => {
  it('reads every shard from TRIM_HORIZON on each pass, and stops with the stack', async () => {
    const running = await startRunningStack(defaultConfig, { dataDir: join(dir, 'data'), port: 0, expireEverySeconds: 0.3, workExpireEverySeconds: 0.3 });
    // the work bucket's lifecycle (bucket-expiry.ts), applied on its own: its listings counted
    const s3 = running.stack.servers.s3;
    const sendS3 = s3.send.bind(s3);
    let workListings = 0;
    s3.send = ((command: ListObjectsCommand) => {
      if (command instanceof ListObjectsCommand && command.input.Bucket === defaultConfig.buckets.work) workListings++;
      return sendS3(command);
    }) as typeof s3.send;
    const kinesis = running.stack.servers.kinesis;
    const send = kinesis.send.bind(kinesis);
    const horizons = new Map<string, number>();
    kinesis.send = ((command: GetShardIteratorCommand) => {
      if (command instanceof GetShardIteratorCommand && command.input.ShardIteratorType === 'TRIM_HORIZON') {
        const key = `${command.input.StreamName}/${command.input.ShardId}`;
        horizons.set(key, (horizons.get(key) ?? 0) + 1);
      }
      return send(command);
    }) as typeof kinesis.send;
    try {
      const streams = Object.entries(defaultConfig.pipelines).filter(([, p]) => p.workflow === 'kinesis').map(([name]) => streamOf(name));
      // every shard of every stream, on two passes at least (an empty shard costs a pass's cap of reads)
      const passed = () => new Set([...horizons].filter(([, n]) => n >= 2).map(([key]) => key.split('/')[0])).size === streams.length;
      for (const end = Date.now() + 20_000; !passed() && Date.now() < end; ) await sleep(100);
      expect([...new Set([...horizons.keys()].map((key) => key.split('/')[0]))].sort()).toStrictEqual(streams.sort());
      expect(passed()).toBe(true);
      for (const end = Date.now() + 10_000; workListings < 2 && Date.now() < end; ) await sleep(100);
      expect(workListings).toBeGreaterThanOrEqual(2);
    } finally {
      await running.stop(5_000);
    }
    const after = [...horizons.values()].reduce((a, b) => a + b, 0);
    const listed = workListings;
    await sleep(700);
    expect([...horizons.values()].reduce((a, b) => a + b, 0)).toBe(after);
    expect(workListings).toBe(listed);
  });
});
