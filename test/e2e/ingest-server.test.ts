import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand, type KinesisClient, type PutRecordsCommandInput, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchSubscription } from '../../local/sources/cloudwatch-subscription.ts';
import { startIngestServer } from '../../local/sources/ingest-server.ts';
import { putRecords } from '../../local/sources/kinesis-pipe.ts';
import { streamOf } from '../../local/servers.ts';
import type { LocalStack } from '../../local/stack.ts';
import { openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const pipeline = 's3-events-to-archive';

/** The stack as the ingest API sees it: every PutRecords goes through `put`, with the real kinesalite client. */
function puttingThrough(put: (input: PutRecordsCommandInput, real: KinesisClient) => Promise<PutRecordsCommandOutput>): LocalStack {
  const real = h.stack.servers.kinesis;
  const kinesis = { send: (command: unknown) => (command instanceof PutRecordsCommand ? put(command.input, real) : real.send(command as never)) } as KinesisClient;
  return { ...h.stack, servers: { ...h.stack.servers, kinesis } };
}

/** POSTs `events` (as NDJSON) to an ingest API over `stack`; its answer, and what it counted as accepted. */
async function post(stack: LocalStack, events: object[] | string): Promise<{ status: number; body: Record<string, any>; counted: number }> {
  let counted = 0;
  const ingest = await startIngestServer(
    {
      config: h.stack.config,
      putKinesis: (p, datas) => putRecords(stack, p, datas),
      putFirehose: async () => [],
      subscription: new CloudWatchSubscription(),
      status: async () => ({}),
      alerts: () => [],
      accepted: (_, records) => void (counted += records),
    },
    { port: 0, maxBodyBytes: 10 * 1024 * 1024 },
  );
  try {
    const response = await fetch(`${ingest.url}/pipelines/${pipeline}/records`, { method: 'POST', body: typeof events === 'string' ? events : events.map((event) => JSON.stringify(event)).join('\n') });
    return { status: response.status, body: (await response.json()) as Record<string, any>, counted };
  } finally {
    await ingest.close();
  }
}

/** The eventIDs of the records on the stream whose data holds `tag`, in the stream's order. */
async function onStream(tag: string): Promise<string[]> {
  const kinesis = h.stack.servers.kinesis;
  let { ShardIterator: iterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamOf(pipeline), ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
  const ids: string[] = [];
  for (;;) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    if (!page.Records?.length) return ids;
    ids.push(...page.Records.filter((r) => Buffer.from(r.Data!).toString().includes(tag)).map((r) => `shardId-000000000000:${r.SequenceNumber}`));
    iterator = page.NextShardIterator;
  }
}

const events = (tag: string, n: number, bytes = 0) => Array.from({ length: n }, (_, i) => ({ event_type: 'metric', event_id: `${tag}-${i}`, ...(bytes ? { note: 'x'.repeat(bytes) } : {}) }));
const hangUp = () => Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));

describe('the ingest API over a kinesis pipeline', () => {
  it('puts a body of 500 small events and 40 of 150 KB (6 MB) in requests Kinesis takes, and answers 202 with every id', async () => {
    const requests: { records: number; bytes: number }[] = [];
    const stack = puttingThrough((input, real) => {
      requests.push({ records: input.Records!.length, bytes: input.Records!.reduce((n, r) => n + r.Data!.length + r.PartitionKey!.length, 0) });
      return real.send(new PutRecordsCommand(input));
    });
    const answer = await post(stack, [...events('whole', 500), ...events('whole-big', 40, 150_000)]);
    expect(answer).toMatchObject({ status: 202, body: { accepted: 540 }, counted: 540 });
    expect(answer.body.ids).toStrictEqual(await onStream('"whole'));
    expect(requests.map((r) => r.records)).toStrictEqual([500, 34, 6]);
    for (const request of requests) expect(request.bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
  });

  it('when a later request fails, answers 207 with the ids of what is on the stream and, by index, the events that are not', async () => {
    let calls = 0;
    const stack = puttingThrough((input, real) => (++calls === 2 ? hangUp() : real.send(new PutRecordsCommand(input))));
    const answer = await post(stack, events('later', 540));
    const put = await onStream('"later-');
    expect(put).toHaveLength(500);
    expect(answer).toStrictEqual({
      status: 207,
      body: {
        accepted: 500,
        ids: put,
        error: 'not all accepted: 40 of 540 records not put on the stream (socket hang up)',
        failed: Array.from({ length: 40 }, (_, i) => ({ index: 500 + i, error: 'socket hang up' })),
      },
      counted: 500,
    });
    // no request after the failed one
    expect(calls).toBe(2);
  });

  it('when the stream refuses records one by one (FailedRecordCount), answers 207 with those by index', async () => {
    const refused = new Set([1, 3]);
    // as Kinesis answers a request with some records over a shard's throughput: the others are put, in order
    const stack = puttingThrough(async (input, real) => {
      const taken = await real.send(new PutRecordsCommand({ ...input, Records: input.Records!.filter((_, i) => !refused.has(i)) }));
      const records = [...taken.Records!];
      for (const i of refused) records.splice(i, 0, { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard shardId-000000000000' });
      return { ...taken, FailedRecordCount: refused.size, Records: records };
    });
    const answer = await post(stack, events('each', 5));
    const put = await onStream('"each-');
    expect(put).toHaveLength(3);
    expect(answer).toMatchObject({ status: 207, body: { accepted: 3, ids: put }, counted: 3 });
    expect(answer.body.failed).toStrictEqual([1, 3].map((index) => ({ index, error: 'ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000' })));
  });

  it('answers 503 "not accepted" only when nothing was put, and a bad request 4xx without putting anything', async () => {
    const down = await post(puttingThrough(hangUp), events('none', 540));
    expect(down).toStrictEqual({ status: 503, body: { error: 'not accepted: socket hang up' }, counted: 0 });
    expect(await onStream('"none-')).toStrictEqual([]);
    const refused = await post(puttingThrough(hangUp), `${JSON.stringify(events('bad', 1)[0])}\n{`);
    expect(refused).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^line 2: not JSON/) }, counted: 0 });
    expect(await onStream('"bad-')).toStrictEqual([]);
  });
});
