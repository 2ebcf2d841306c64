import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxPipesRecordBytes } from '../../contracts/pipes-kinesis.ts';
import { kinesisRoute, type ProxyEvent } from '../../ingest/kinesis-route.ts';
import { openStack } from '../e2e/harness.ts';

let h: Awaited<ReturnType<typeof openStack>>;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const STREAM = 'sluice-s2-telemetry-to-lake';
const post = (body: string, pipeline = 's2-telemetry-to-lake'): ProxyEvent => ({ resource: `/${pipeline}/events`, body, isBase64Encoded: false, requestContext: { requestId: 'req-1' } });

/** Every record's data on the stream, from its start. */
async function onStream(): Promise<string[]> {
  const kinesis = h.stack.servers.kinesis;
  const { Shards } = await kinesis.send(new ListShardsCommand({ StreamName: STREAM }));
  const datas: string[] = [];
  for (const shard of Shards ?? []) {
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    datas.push(...(Records ?? []).map((record) => Buffer.from(record.Data!).toString()));
  }
  return datas;
}

describe("the AWS ingest route of a kinesis pipeline (a Lambda behind API Gateway), on kinesalite", () => {
  const route = () => kinesisRoute(h.stack.servers.kinesis, { 's2-telemetry-to-lake': STREAM });

  it('puts the event on the stream as it came, answered 202', async () => {
    const result = await route()(post('{"device":"d-1","temperature":21.5}'));
    expect(result).toMatchObject({ statusCode: 202, body: '{"accepted":true}' });
    expect(await onStream()).toContain('{"device":"d-1","temperature":21.5}');
  });

  it('refuses with 413 an event that base64\'d in its Pipes envelope could never reach the workflow (API Gateway\'s Kinesis integration took it, and the Pipe dead-lettered it), and puts nothing', async () => {
    const limit = maxPipesRecordBytes(STREAM, 256);
    const before = (await onStream()).length;
    const over = await route()(post(JSON.stringify({ pad: 'x'.repeat(limit) })));
    expect(over.statusCode).toBe(413);
    expect(JSON.parse(over.body)).toMatchObject({ accepted: false, error: expect.stringContaining('it would never reach the workflow') });
    expect(await onStream()).toHaveLength(before);
    const fits = JSON.stringify({ pad: 'x'.repeat(limit - 10) });
    expect(Buffer.byteLength(fits)).toBeLessThanOrEqual(limit);
    expect((await route()(post(fits))).statusCode).toBe(202);
  });

  it('answers 404 for a pipeline it has no stream for, and a 5xx with the reason for what Kinesis refuses (the stack\'s fault, not the request\'s)', async () => {
    expect((await route()(post('{"a":1}', 'nowhere'))).statusCode).toBe(404);
    const refused = await kinesisRoute(h.stack.servers.kinesis, { 's2-telemetry-to-lake': 'sluice-no-such-stream' })(post('{"a":1}'));
    expect(refused.statusCode).toBe(500);
    expect(JSON.parse(refused.body).error).toMatch(/^not accepted: the stream refused the put: ResourceNotFoundException/);
    const throttled = await kinesisRoute({ send: async () => Promise.reject(Object.assign(new Error('Rate exceeded for key'), { name: 'KMSThrottlingException' })) }, { 's2-telemetry-to-lake': 'sluice-events' })(post('{"a":1}'));
    expect(throttled.statusCode).toBe(503);
  });
});
