import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import kinesalite from 'kinesalite';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expireShards } from '../../../local/sources/stream-retention.ts';

/**
 * Kinesalite in this process (in memory), so that its clock is the test's: records are put, the clock
 * moves a day on, and what kinesalite still holds is read back with the clock set back again (a read
 * at the later time would skip the expired records whether they are still stored or not).
 */
let server: Server;
let kinesis: KinesisClient;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00Z');

beforeAll(async () => {
  server = kinesalite({ createStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  kinesis = new KinesisClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: new NodeHttpHandler() });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => vi.useRealTimers());

async function streamWith(name: string, batches: { at: number; count: number }[]) {
  // a record's time is never before its shard's: the stream is made before the first batch
  vi.setSystemTime(batches[0]!.at - HOUR);
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  while ((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') await new Promise((r) => setTimeout(r, 10));
  for (const { at, count } of batches) {
    vi.setSystemTime(at);
    const Records = Array.from({ length: count }, (_, i) => ({ Data: Buffer.from(`${at}-${i}`), PartitionKey: 'k' }));
    await kinesis.send(new PutRecordsCommand({ StreamName: name, Records }));
  }
}

/** What the shard still holds, read at a time when nothing in it is past retention. */
async function held(name: string, at: number): Promise<string[]> {
  vi.setSystemTime(at);
  const iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: name, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
  return (page.Records ?? []).map((record) => Buffer.from(record.Data!).toString());
}

/** kinesalite deletes what a read passed after it answers: a moment for it. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('records past the stream\'s retention', () => {
  it('are deleted up to the first record still retained; the others stay', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await streamWith('expiring', [{ at: T0, count: 25 }, { at: T0 + 2 * HOUR, count: 5 }]);
    vi.setSystemTime(T0 + 24.5 * HOUR);
    // reads of 1, 10 and 100 records: the 25 expired ones passed, then the retained ones reached
    expect(await expireShards(kinesis, 'expiring')).toBe(3);
    await settled();
    expect(await held('expiring', T0 + 3 * HOUR)).toStrictEqual(Array.from({ length: 5 }, (_, i) => `${T0 + 2 * HOUR}-${i}`));
  });

  it('a shard whose head is retained costs one read, and keeps everything', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await streamWith('fresh', [{ at: T0, count: 3 }]);
    vi.setSystemTime(T0 + 23 * HOUR);
    expect(await expireShards(kinesis, 'fresh')).toBe(1);
    await settled();
    expect(await held('fresh', T0 + HOUR)).toHaveLength(3);
  });

  it('stops after its pages when everything has expired (an empty page reads alike with or without records passed)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await streamWith('all-expired', [{ at: T0, count: 4 }]);
    vi.setSystemTime(T0 + 30 * HOUR);
    expect(await expireShards(kinesis, 'all-expired', { maxPages: 3 })).toBe(4);
    await settled();
    expect(await held('all-expired', T0 + HOUR)).toStrictEqual([]);
  });

  it('reads no further once told to stop', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await streamWith('stopping', [{ at: T0, count: 4 }]);
    vi.setSystemTime(T0 + 30 * HOUR);
    let reads = 0;
    expect(await expireShards(kinesis, 'stopping', { stopped: () => reads++ >= 2 })).toBe(2);
  });
});
