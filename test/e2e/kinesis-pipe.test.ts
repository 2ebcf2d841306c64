import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KINESIS_LIMITS } from '../../contracts/kinesis-limits.ts';
import { drainStream, putRecords, putRecordsRequests } from '../../local/sources/kinesis-pipe.ts';
import { businessEvent, telemetry } from '../../local/samples.ts';
import { openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

describe('a Pipe over the local Kinesis stream (kinesalite)', () => {
  it('reads the stream in order, in batches of the Pipe size, and delivers every record once', async () => {
    await putRecords(h.stack, 's2-telemetry-to-lake', Array.from({ length: 250 }, (_, i) => JSON.stringify(telemetry(i))));
    const results = await drainStream(h.stack, 's2-telemetry-to-lake', 100);
    expect(results.map((r) => r.account!.counts.in)).toStrictEqual([100, 100, 50]);
    expect(results.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    const batch = results[0]!.events[0]!.input as { eventID: string; sequenceNumber: string; eventSourceARN: string }[];
    expect(batch[0]!.eventID).toBe(`shardId-000000000000:${batch[0]!.sequenceNumber}`);
    expect(batch[0]!.eventSourceARN).toMatch(/stream\/sluice-s2-telemetry-to-lake$/);
    expect(await h.parquetRows('sluice-lake', 'telemetry/')).toHaveLength(250);

    // nothing new on the stream: nothing to do; new records: only those
    expect(await drainStream(h.stack, 's2-telemetry-to-lake', 100)).toStrictEqual([]);
    await putRecords(h.stack, 's2-telemetry-to-lake', [JSON.stringify(telemetry(999))]);
    expect((await drainStream(h.stack, 's2-telemetry-to-lake', 100)).map((r) => r.account!.counts.in)).toStrictEqual([1]);
  });

  it('cuts a batch to the 262,144 characters a Step Functions target takes, as a Pipe does, whatever the batch size', async () => {
    // records of about 1 KB: 1,200 of them read at once are cut into batches of about 190
    await putRecords(h.stack, 's3-events-to-archive', Array.from({ length: 1200 }, (_, i) => JSON.stringify({ ...businessEvent(i), note: 'x'.repeat(900) })));
    const results = await drainStream(h.stack, 's3-events-to-archive', 10_000);
    expect(results.length).toBeGreaterThan(5);
    for (const result of results) {
      expect(result.status).toBe('SUCCEEDED');
      expect(JSON.stringify(result.events[0]!.input).length).toBeLessThanOrEqual(262_144);
    }
    expect(results.reduce((sum, r) => sum + r.account!.counts.in, 0)).toBe(1200);
    expect(await drainStream(h.stack, 's3-events-to-archive', 10_000)).toStrictEqual([]);
  });

  it('keeps its place at a batch whose execution failed, so the next run starts from it', async () => {
    // the backup bucket is gone: the quarantined record cannot be kept, so the execution fails
    await h.stack.servers.s3.send(new DeleteBucketCommand({ Bucket: 'sluice-backup' }));
    await putRecords(h.stack, 's3-events-to-archive', [JSON.stringify(businessEvent(1)), '{"event_type":"metric"}']);
    const failed = await drainStream(h.stack, 's3-events-to-archive', 100);
    expect(failed.map((r) => [r.status, r.error])).toStrictEqual([['FAILED', 'NoSuchBucket']]);

    await h.stack.servers.s3.send(new CreateBucketCommand({ Bucket: 'sluice-backup' }));
    const again = await drainStream(h.stack, 's3-events-to-archive', 100);
    expect(again.map((r) => r.status)).toStrictEqual(['SUCCEEDED']);
    expect(again[0]!.account!.counts).toMatchObject({ in: 2, delivered: 1, quarantined: 1 });
  });
});

describe('PutRecords requests', () => {
  it('take at most 500 records and 5 MiB of data and partition keys', () => {
    const entry = (bytes: number) => ({ Data: Buffer.alloc(bytes), PartitionKey: 'pk-1' });
    const sizes = (entries: ReturnType<typeof entry>[]) => putRecordsRequests(entries).map((request) => request.length);
    expect(sizes(Array.from({ length: 1001 }, () => entry(10)))).toStrictEqual([500, 500, 1]);
    // five records of exactly a fifth of 5 MiB with their keys fill a request; one byte more starts the next
    const fifth = KINESIS_LIMITS.putRecordsBytes / 5 - 4;
    expect(sizes(Array.from({ length: 6 }, () => entry(fifth)))).toStrictEqual([5, 1]);
    expect(sizes([entry(fifth + 1), ...Array.from({ length: 4 }, () => entry(fifth))])).toStrictEqual([4, 1]);
  });
});
