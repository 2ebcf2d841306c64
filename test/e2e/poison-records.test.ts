import { executionInput } from '../../tasks/firehose-bridge/index.ts';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { businessEvent, cloudWatchPayload, eventsJsonl, firehoseRequest, pipesRecord } from '../../local/samples.ts';
import { openStack, type Harness } from './harness.ts';

// one stack for the file: each test uses batches of its own
let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const gz = (value: unknown) => gzipSync(JSON.stringify(value));

describe('one record never fails its batch (issue 6, each measured defect)', () => {
  it('a CloudWatch log event whose timestamp is outside the Date range is quarantined alone', async () => {
    const payload = cloudWatchPayload(3, 7000);
    payload.logEvents[1]!.timestamp = 1e16;
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', firehoseRequest([gz(payload)], 'inv-range'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 3, delivered: 2, quarantined: 1 });
    const backups = await h.lines('sluice-backup', 'errors/');
    expect(backups.find((b) => b.batchId === result.account!.batchId)).toMatchObject({ errorCode: 'invalid-timestamp' });
  });

  it('a DATA_MESSAGE without log events is one dropped unit with its reason', async () => {
    const empty = { ...cloudWatchPayload(0, 0), messageType: 'DATA_MESSAGE' as const, logEvents: [] };
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', firehoseRequest([gz(empty), gz(cloudWatchPayload(2, 7100))], 'inv-empty'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 3, delivered: 2, dropped: 1 });
    expect((result.output as FirehoseTransformResponse).records.map((r) => r.result)).toStrictEqual(['Dropped', 'Ok']);
  });

  it('the same CloudWatch payload twice in one Firehose batch is delivered once; the repeats are dropped as duplicates', async () => {
    const payload = gz(cloudWatchPayload(4, 7200));
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', firehoseRequest([payload, payload], 'inv-dup'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 8, delivered: 4, dropped: 4 });
    const ledger = await h.ledger(result.account!.batchId);
    expect(ledger!.counts).toMatchObject({ dropped: 4 });
    // the second record's events went on as the first's: it is answered Dropped, and nothing is lost
    expect((result.output as FirehoseTransformResponse).records.map((r) => r.result)).toStrictEqual(['Ok', 'Dropped']);
  });

  it('a gzip bomb is quarantined at limits.maxInflatedBytes, without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100_000);
    const batch = [pipesRecord(bomb, 0, 'shardId-000000000007'), pipesRecord(JSON.stringify(businessEvent(1)), 1, 'shardId-000000000007')];
    const result = await h.stack.run('kinesis', 's4-events-raw', batch);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 2, delivered: 1, quarantined: 1 });
    const backups = await h.lines('sluice-backup', 'errors/');
    expect(backups.find((b) => b.batchId === result.account!.batchId)).toMatchObject({ errorCode: 'inflated-too-large' });
    // zlib stopped at the limit (maxOutputLength): what it says is the limit, not the 64 MB the bomb holds
    expect(backups.find((b) => b.batchId === result.account!.batchId)!.errorMessage).toContain(`more than ${h.stack.config.limits.maxInflatedBytes} bytes`);
  });

  it('a number DynamoDB cannot hold (1e-200, below its 1e-130) fails its item alone, for good; the other 24 of its BatchWriteItem are written', async () => {
    const events = Array.from({ length: 25 }, (_, i) => ({ ...businessEvent(i), event_id: `big-${i}` }));
    const records = events.map((event) => JSON.stringify(event)).map((text, i) => pipesRecord(i === 3 ? text.replace('"payload":{', '"payload":{"tiny":1e-200,') : text, i, 'shardId-000000000008'));
    const result = await h.stack.run('kinesis', 's3-events-to-archive', records);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account).toMatchObject({ status: 'BACKED_UP', counts: { in: 25, delivered: 24, backedUp: 1 } });
    const backups = await h.lines('sluice-backup', 'errors/');
    expect(backups.filter((b) => b.batchId === result.account!.batchId).map((b) => b.errorCode)).toStrictEqual(['DynamoDB.Unencodable']);
    // and it was not sent to the lake twice: the lake has the 24 delivered, the backed-up one is kept once
    const lake = (await h.lines('sluice-lake', 'archive/')).filter((r) => String(r.event_id).startsWith('big-'));
    // the lake took all 25 (only DynamoDB refused one), each once
    expect(lake).toHaveLength(25);
  });

  it('a UTF-8 byte order mark at the start of an S3 object is not part of its first line', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(eventsJsonl(3))]);
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: 'events/with-bom.jsonl', Body: body }));
    const result = await h.stack.run('s3', 's4-events-processed', objectCreatedFor('sluice-raw', 'events/with-bom.jsonl', body.length));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 3, delivered: 3, quarantined: 0 });
  });

  it('S1 transform mode: a response over 6,000,000 bytes is kept within it; what does not fit is Dropped and put back on the delivery stream', async () => {
    const datas = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ message: `m${i} ${'z'.repeat(2000)}`, level: 'info', service: 'big' }));
    const request = firehoseRequest(datas, 'inv-6mb');
    expect(Buffer.byteLength(JSON.stringify(request))).toBeGreaterThan(5_400_000);
    // as the bridge starts it: the request by claim check
    const result = await h.stack.run('firehose', 's1-api-to-newrelic', await executionInput(request, h.stack.ctx));
    expect(result.status).toBe('SUCCEEDED');
    const response = result.output as FirehoseTransformResponse;
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(6_000_000);
    const dropped = response.records.filter((r) => r.result === 'Dropped');
    expect(dropped.length).toBeGreaterThan(0);
    expect(response.records.filter((r) => r.result === 'Ok').length + dropped.length).toBe(2000);
    // the ledger counts what happened: the records that did not fit are dropped (re-ingested), not delivered
    expect(result.account!.counts).toMatchObject({ in: 2000, delivered: 2000 - dropped.length, dropped: dropped.length });
    expect(await h.ledger(result.account!.batchId)).toMatchObject({ reingested: dropped.length });
    const back = h.stack.deliveryStreams.take('sluice-ingest').map((b) => b.toString());
    const droppedIds = new Set(dropped.map((r) => r.recordId));
    expect(back).toStrictEqual(request.records.filter((r) => droppedIds.has(r.recordId)).map((r) => Buffer.from(r.data, 'base64').toString()));
  });

  it('S1 transform mode: a record whose answer cannot fit in any response, even alone, is backed up and answered ProcessingFailed, never put back on the stream (it came back as it went, for ever)', async () => {
    // 28 KB gzip'd, 5.2 MB of JSON Lines: enriched and base64'd, over 6,000,000 bytes
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify({ message: `request ${i} ${'x'.repeat(1000)}`, level: 'info' })).join('\n');
    const request = firehoseRequest([gzipSync(lines), JSON.stringify({ message: 'a neighbour', level: 'info' })], 'inv-alone');
    const result = await h.stack.run('firehose', 's1-api-to-newrelic', await executionInput(request, h.stack.ctx));
    expect(result.status).toBe('SUCCEEDED');
    const response = result.output as FirehoseTransformResponse;
    expect(response.records.map((r) => r.result)).toStrictEqual(['ProcessingFailed', 'Ok']);
    expect(response.records[0]!.data).toBe(request.records[0]!.data);
    expect(result.account!.counts).toMatchObject({ in: 5001, delivered: 1, backedUp: 5000, dropped: 0 });
    expect(h.stack.deliveryStreams.take('sluice-ingest')).toHaveLength(0);
    const backups = (await h.lines('sluice-backup', 'errors/')).filter((b) => b.batchId === result.account!.batchId);
    expect(backups).toHaveLength(5000);
    expect(new Set(backups.map((b) => b.errorCode))).toStrictEqual(new Set(['FirehoseResponse.TooLarge']));
  });

  it('an S3 line holding a JSON array fans out into records without failing its object', async () => {
    const body = `${JSON.stringify([businessEvent(1), businessEvent(2)])}\n${JSON.stringify(businessEvent(3))}\n`;
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: 'events/array-line.jsonl', Body: body }));
    const result = await h.stack.run('s3', 's4-events-processed', objectCreatedFor('sluice-raw', 'events/array-line.jsonl'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 3, delivered: 3 });
  });

  it('a CloudWatch payload whose log group is huge is quarantined: the shared fields count in every record it would make', async () => {
    const payload = { ...cloudWatchPayload(600, 7300), logGroup: 'g'.repeat(1_000_000) };
    const result = await h.stack.run('kinesis', 's3-events-to-archive', [pipesRecord(gz(payload), 0, 'shardId-000000000012')]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 1, quarantined: 1 });
  });

  it('a few bytes that fan out into millions of records are one quarantined unit (limits.maxRecordsPerUnit)', async () => {
    const fanOut = gzipSync(`[${'{},'.repeat(200_000)}{}]`);
    const result = await h.stack.run('kinesis', 's4-events-raw', [pipesRecord(fanOut, 0, 'shardId-000000000013')]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 1, quarantined: 1 });
    const backups = await h.lines('sluice-backup', 'errors/');
    expect(backups.find((b) => b.batchId === result.account!.batchId)).toMatchObject({ errorCode: 'too-many-records' });
  });

  it('an arrival time that is no time (Pipes metadata) is left out, not a failed batch', async () => {
    const records = Array.from({ length: 300 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `arr-${i}` }), i, 'shardId-000000000014'));
    records[1] = { ...records[1]!, approximateArrivalTimestamp: 1e306 };
    const result = await h.stack.run('kinesis', 's4-events-raw', records);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 300, delivered: 300 });
  });

  it('a top-level __proto__ field is not silently lost on its way to DynamoDB, and 1e400 is not silently null', async () => {
    const withProto = `{"__proto__":{"x":1},${JSON.stringify({ ...businessEvent(5), event_id: 'proto-1' }).slice(1)}`;
    const infinite = JSON.stringify({ ...businessEvent(6), event_id: 'inf-1' }).replace('"payload":{', '"payload":{"huge":1e400,');
    const result = await h.stack.run('kinesis', 's3-events-to-archive', [pipesRecord(withProto, 0, 'shardId-000000000015'), pipesRecord(infinite, 1, 'shardId-000000000015')]);
    expect(result.status).toBe('SUCCEEDED');
    const backups = (await h.lines('sluice-backup', 'errors/')).filter((b) => b.batchId === result.account!.batchId);
    expect(backups.map((b) => b.errorCode).sort()).toStrictEqual(['DynamoDB.Unencodable', 'non-finite-number']);
  });

  it('a nested __proto__ field is backed up, not stored as other fields; constructor fields are stored as they are, and fail no neighbour', async () => {
    const nested = JSON.stringify({ ...businessEvent(7), event_id: 'proto-2' }).replace('"payload":{', '"payload":{"__proto__":{"M":{"S":"x"}},');
    const withConstructor = JSON.stringify({ ...businessEvent(8), event_id: 'ctor-1', constructor: 'c' }).replace('"payload":{', '"payload":{"constructor":{"prototype":{"a":1}},"details":{"constructor":{"name":"String"},"card":"visa"},');
    // the document client's marshall threw for the whole BatchWriteItem on this one
    const binaryNamed = JSON.stringify({ ...businessEvent(9), event_id: 'ctor-2' }).replace('"payload":{', '"payload":{"blob":{"constructor":{"name":"Uint8Array"},"length":1},');
    const neighbour = JSON.stringify({ ...businessEvent(10), event_id: 'ctor-3' });
    const result = await h.stack.run('kinesis', 's3-events-to-archive', [nested, withConstructor, binaryNamed, neighbour].map((text, i) => pipesRecord(text, i, 'shardId-000000000016')));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 4, delivered: 3, backedUp: 1 });
    const backups = (await h.lines('sluice-backup', 'errors/')).filter((b) => b.batchId === result.account!.batchId);
    expect(backups).toMatchObject([{ errorCode: 'DynamoDB.Unencodable', errorMessage: expect.stringContaining('payload.__proto__') }]);
    const items = (await h.stack.ctx.ddb.send(new ScanCommand({ TableName: 'sluice-events' }))).Items ?? [];
    expect(items.filter((item) => item.event_id === 'proto-2')).toStrictEqual([]);
    expect(items.find((item) => item.event_id === 'ctor-1')).toMatchObject({ constructor: 'c', payload: { constructor: { prototype: { a: 1 } }, details: { constructor: { name: 'String' }, card: 'visa' } } });
    expect(items.find((item) => item.event_id === 'ctor-2')).toMatchObject({ payload: { blob: { constructor: { name: 'Uint8Array' }, length: 1 } } });
    expect(items.find((item) => item.event_id === 'ctor-3')).toMatchObject({ event_id: 'ctor-3' });
  });

  it('a record that breaks no parser but every assumption (__proto__, odd types) is quarantined, never thrown', async () => {
    const records = [
      pipesRecord('{"__proto__":{"polluted":true},"event_type":"transaction"}', 0, 'shardId-000000000009'),
      pipesRecord('{"event_type":{"not":"a string"},"timestamp":1e300}', 1, 'shardId-000000000009'),
      pipesRecord('[]', 2, 'shardId-000000000009'),
      pipesRecord('\ud800', 3, 'shardId-000000000009'),
    ];
    const result = await h.stack.run('kinesis', 's4-events-raw', records);
    expect(result.status).toBe('SUCCEEDED');
    const { counts } = result.account!;
    expect(counts.in).toBe(counts.delivered + counts.quarantined + counts.dropped + counts.backedUp);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

});
