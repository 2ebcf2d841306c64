import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand, type KinesisClient, type PutRecordsCommandInput, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { deflateSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchSubscription } from '../../local/sources/cloudwatch-subscription.ts';
import { startIngestServer } from '../../local/sources/ingest-server.ts';
import { putRecords } from '../../local/sources/kinesis-pipe.ts';
import { streamOf } from '../../local/servers.ts';
import type { LocalStack } from '../../local/stack.ts';
import { rawGet } from '../doubles/raw-request.ts';
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
  const { status, body, counted } = await ask(stack, `/pipelines/${pipeline}/records`, { method: 'POST', body: typeof events === 'string' ? events : events.map((event) => JSON.stringify(event)).join('\n') });
  return { status, body, counted };
}

/** A request to an ingest API over `stack` (Firehose puts taken and counted as put); its answer, and what it counted as accepted. */
async function ask(stack: LocalStack, path: string, init: RequestInit): Promise<{ status: number; body: Record<string, any>; counted: number; allow: string | null; firehose: Buffer[] }> {
  let counted = 0;
  const firehose: Buffer[] = [];
  const ingest = await startIngestServer(
    {
      config: h.stack.config,
      putKinesis: (p, datas) => putRecords(stack, p, datas),
      putFirehose: async (_, datas) => (firehose.push(...datas), datas.map((_, i) => `r${i}`)),
      subscription: new CloudWatchSubscription(),
      status: async () => ({}),
      alerts: () => [],
      accepted: (_, records) => void (counted += records),
    },
    { port: 0, maxBodyBytes: 10 * 1024 * 1024 },
  );
  try {
    const response = await fetch(`${ingest.url}${path}`, init);
    return { status: response.status, body: (await response.json()) as Record<string, any>, counted, allow: response.headers.get('allow'), firehose };
  } finally {
    await ingest.close();
  }
}

/** The records on the stream whose data holds `tag`, in the stream's order: their eventIDs and data. */
async function onStreamRecords(tag: string): Promise<{ id: string; data: string }[]> {
  const kinesis = h.stack.servers.kinesis;
  let { ShardIterator: iterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamOf(pipeline), ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
  const found: { id: string; data: string }[] = [];
  for (;;) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    if (!page.Records?.length) return found;
    found.push(...page.Records.map((r) => ({ id: `shardId-000000000000:${r.SequenceNumber}`, data: Buffer.from(r.Data!).toString() })).filter((r) => r.data.includes(tag)));
    iterator = page.NextShardIterator;
  }
}

const onStream = async (tag: string) => (await onStreamRecords(tag)).map((r) => r.id);
const dataOnStream = async (tag: string) => (await onStreamRecords(tag)).map((r) => r.data);

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

describe('a request target the server cannot read', () => {
  it('is answered 400, and the server goes on (it threw out of the server and stopped the stack)', async () => {
    const ingest = await startIngestServer(
      { config: h.stack.config, putKinesis: async () => [], putFirehose: async () => [], subscription: new CloudWatchSubscription(), status: async () => ({}), alerts: () => [], accepted: () => undefined },
      { port: 0, maxBodyBytes: 1024 },
    );
    try {
      expect(await rawGet(ingest.url, '//a:b@/status')).toBe('HTTP/1.1 400 Bad Request');
      expect((await fetch(`${ingest.url}/status`)).status).toBe(200);
    } finally {
      await ingest.close();
    }
  });
});

describe('the ingest API hands on what the producer sent, or refuses it with why', () => {
  const records = (name = pipeline) => `/pipelines/${name}/records`;

  it('puts each event on the stream as written: decode, not the API, judges a number JSON cannot hold (1e400 was put as null, counted delivered)', async () => {
    const written = ['{"tag":"as-written-1","n":1e400}', '{"tag":"as-written-2","id":12345678901234567891}', '{"tag":"as-written-3","k":1,"k":2}'];
    for (const body of [written.join('\n'), `[${written.join(' , ')}]`]) {
      const answer = await ask(h.stack, records(), { method: 'POST', body });
      expect(answer).toMatchObject({ status: 202, body: { accepted: 3 } });
    }
    const datas = await dataOnStream('as-written-');
    expect(datas).toStrictEqual([...written, ...written]);
  });

  it('inflates a gzip or deflate body, refuses another encoding (415) and a body that does not inflate (400)', async () => {
    const body = '{"tag":"zipped-1"}\n{"tag":"zipped-2"}';
    expect(await ask(h.stack, records(), { method: 'POST', body: gzipSync(body), headers: { 'content-encoding': 'gzip' } })).toMatchObject({ status: 202, body: { accepted: 2 } });
    expect(await ask(h.stack, records(), { method: 'POST', body: deflateSync(body), headers: { 'content-encoding': 'deflate' } })).toMatchObject({ status: 202, body: { accepted: 2 } });
    expect(await dataOnStream('zipped-')).toStrictEqual(['{"tag":"zipped-1"}', '{"tag":"zipped-2"}', '{"tag":"zipped-1"}', '{"tag":"zipped-2"}']);
    expect(await ask(h.stack, records(), { method: 'POST', body, headers: { 'content-encoding': 'br' } })).toMatchObject({ status: 415, body: { error: expect.stringContaining('Content-Encoding br') } });
    expect(await ask(h.stack, records(), { method: 'POST', body, headers: { 'content-encoding': 'gzip' } })).toMatchObject({ status: 400, body: { error: expect.stringContaining('does not inflate') } });
    // log lines too: gzip'd lines were one binary "line" in OpenSearch
    const logs = await ask(h.stack, '/pipelines/s0-logs-to-opensearch/logs?group=/app&stream=web-1', { method: 'POST', body: gzipSync('first line\nsecond line\n'), headers: { 'content-encoding': 'gzip' } });
    expect(logs).toMatchObject({ status: 202, body: { accepted: 2 }, counted: 2 });
    const payload = JSON.parse(gunzipSync(logs.firehose[0]!).toString()) as { logEvents: { message: string }[] };
    expect(payload.logEvents.map((e) => e.message)).toStrictEqual(['first line', 'second line']);
  });

  it('refuses a body that is not UTF-8 (400) or declared in another charset (415): its bytes were replaced by U+FFFD and delivered', async () => {
    const bad = Buffer.concat([Buffer.from('{"tag":"latin-'), Buffer.from([0xe9]), Buffer.from('"}')]);
    expect(await ask(h.stack, records(), { method: 'POST', body: bad })).toMatchObject({ status: 400, body: { error: expect.stringContaining('not UTF-8') } });
    expect(await ask(h.stack, records(), { method: 'POST', body: '{"tag":"latin-x"}', headers: { 'content-type': 'application/json; charset=iso-8859-1' } })).toMatchObject({ status: 415 });
    expect(await dataOnStream('latin-')).toStrictEqual([]);
  });

  it('names a pipeline by its own key only, URL-decoded, and says what a route takes', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) expect((await ask(h.stack, records(name), { method: 'POST', body: '{}' })).status).toBe(404);
    expect(await ask(h.stack, records('s3%2Devents-to-archive'), { method: 'POST', body: '{"tag":"escaped-name"}' })).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(await dataOnStream('escaped-name')).toHaveLength(1);
    expect((await ask(h.stack, records('%E0%A4%A'), { method: 'POST', body: '{}' })).status).toBe(400);
    expect(await ask(h.stack, records(), { method: 'GET' })).toMatchObject({ status: 405, allow: 'POST' });
  });

  it('refuses log group and stream names CloudWatch Logs would not have (a group of 6,000 characters made every event too large)', async () => {
    const logs = (group: string, stream: string) => ask(h.stack, `/pipelines/s0-logs-to-opensearch/logs?group=${encodeURIComponent(group)}&stream=${encodeURIComponent(stream)}`, { method: 'POST', body: 'a line\n' });
    expect((await logs('g'.repeat(513), 's')).status).toBe(400);
    expect((await logs('/app group', 's')).status).toBe(400);
    expect((await logs('/app', 's:1')).status).toBe(400);
    expect((await logs('/app', 's'.repeat(513))).status).toBe(400);
    expect((await logs(`/${'g'.repeat(511)}`, 'web 1')).status).toBe(202);
  });
});
