import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { firehoseRequest, s0Request, s1Request } from '../../local/samples.ts';
import { inspectorHtml } from '../../local/inspector.ts';
import type { OpenSearchDouble } from '../doubles/opensearch.ts';
import { entered, openStackWithOpenSearch, type Harness } from './harness.ts';

let os: OpenSearchDouble;
let h: Harness;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ os, h, stop } = await openStackWithOpenSearch());
});
afterAll(() => stop());

const decodeData = (data: string) => Buffer.from(data, 'base64').toString();

describe('firehose workflow on the embedded engine', () => {
  it('S0: one OpenSearch document per log event, one metadata record per Firehose record, control message Dropped', async () => {
    const request = s0Request(3, 4);
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', request);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 13, delivered: 12, dropped: 1, quarantined: 0, backedUp: 0 });
    expect(os.count('cwl')).toBe(12);
    const response = result.output as FirehoseTransformResponse;
    expect(FirehoseTransformResponse.is(response)).toBe(true);
    expect(response.records.map((r) => r.recordId)).toStrictEqual(request.records.map((r) => r.recordId));
    expect(response.records.map((r) => r.result)).toStrictEqual(['Ok', 'Ok', 'Ok', 'Dropped']);
    expect(JSON.parse(decodeData(response.records[0]!.data))).toMatchObject({ message: 'Processed 4 events via direct delivery', delivered: 4 });
    expect(response.records[3]!.data).toBe(request.records[3]!.data);
    const doc = [...os.docs.get('cwl')!.values()][0] as Record<string, unknown>;
    expect(doc).toMatchObject({ '@logGroup': '/aws/lambda/checkout', record_id: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('retries only the items OpenSearch refused (429, 503), keeps 409 as delivered, and writes no _id twice', async () => {
    const request = s0Request(2, 5, 100);
    const ids: string[] = [];
    os.failItems((id) => ids.length < 3 && !ids.includes(id) && (ids.push(id), true), 429, 3);
    os.failItems((id) => ids.length >= 3 && ids.length < 5 && !ids.includes(id) && (ids.push(id), true), 503, 2);
    const before = os.writes.length;
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', request);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 11, delivered: 10, dropped: 1, backedUp: 0 });
    expect(entered(result.events).filter((n) => n === 'Deliver to sinks')).toHaveLength(2);
    expect(entered(result.events)).toContain('Wait before redelivery');
    const page = await inspectorHtml(result);
    expect(page).toMatch(/<g class="state succeeded" data-state="Deliver to sinks" data-outcome="succeeded" data-duration-ms="\d+" data-entered="2">[^]*?Task · ×2 · /);
    expect(page).toContain('<g class="edge next taken" data-from="Wait before redelivery" data-to="Deliver to sinks">');
    expect(page).toContain('<g class="state not-visited" data-state="Back up whole input">');
    expect(os.writes.length - before).toBe(10);
    expect(new Set(os.writes).size).toBe(os.writes.length);

    // the same request again (a Firehose retry): every item answers 409, all count as delivered
    const again = await h.stack.run('firehose', 's0-logs-to-opensearch', request);
    expect(again.account!.counts).toMatchObject({ delivered: 10, backedUp: 0 });
    expect(new Set(os.writes).size).toBe(os.writes.length);
  });

  it('backs up what OpenSearch keeps refusing once the retry duration is over, and acknowledges it as backed up', async () => {
    const request = s0Request(1, 3, 200);
    let victim: string | undefined;
    os.failItems((id) => (victim ??= id) === id, 503, 10_000);
    os.failItems(() => true, 400, 1, 'mapper_parsing_exception');
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', request);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 4, delivered: 1, backedUp: 2, dropped: 1 });
    expect(result.account!.status).toBe('BACKED_UP');
    // the waits are skipped here but counted on the execution's clock: the loop ends at 140 s of it
    const passes = entered(result.events).filter((n) => n === 'Deliver to sinks').length;
    expect(passes).toBeGreaterThanOrEqual(8);
    const lastPass = result.events.filter((e) => e.type === 'StateExited' && e.state?.name === 'Deliver to sinks').at(-1)!.state!.output as { retry: { elapsedSeconds: number; again: boolean } };
    expect(lastPass.retry.again).toBe(false);
    expect(lastPass.retry.elapsedSeconds).toBeGreaterThan(120);
    const backups = await h.lines('sluice-backup', 'errors/');
    const mine = backups.filter((b) => b.batchId === result.account!.batchId);
    expect(mine.map((b) => b.errorCode).sort()).toStrictEqual(['OpenSearch.mapper_parsing_exception', 'OpenSearch.node_not_connected_exception']);
    expect(mine.find((b) => b.errorCode.includes('node_not'))).toMatchObject({ attemptsMade: passes, pendingSinks: ['opensearch'] });
    expect(mine.find((b) => b.errorCode.includes('mapper'))).toMatchObject({ attemptsMade: 1 });
    expect(JSON.parse(mine[0]!.rawData)).toHaveProperty('@message');
    expect((result.output as FirehoseTransformResponse).records[0]!.result).toBe('Ok');
    expect((await h.ledger(result.account!.batchId))!.status).toBe('BACKED_UP');
  });

  it('retries a whole _bulk request refused with 429, then delivers', async () => {
    os.failRequests(429, 1);
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', firehoseRequest(['{"message":"a"}', '{"message":"b"}'], 'inv-bulk-429'));
    expect(result.account!.counts).toMatchObject({ in: 2, delivered: 2, backedUp: 0 });
    expect(entered(result.events).filter((n) => n === 'Deliver to sinks')).toHaveLength(2);
  });

  it('S1 transform: Ok with the transformed record, ProcessingFailed with the original data for an invalid one', async () => {
    const request = s1Request();
    const result = await h.stack.run('firehose', 's1-api-to-newrelic', request);
    const response = result.output as FirehoseTransformResponse;
    expect(response.records.map((r) => r.result)).toStrictEqual(['Ok', 'Ok', 'ProcessingFailed', 'Ok', 'Ok']);
    expect(response.records[2]!.data).toBe(request.records[2]!.data);
    const transformed = JSON.parse(decodeData(response.records[3]!.data));
    expect(transformed).toMatchObject({ message: 'plain text line from a legacy service', metadata: { source: 'firehose:s1-api-to-newrelic' } });
    expect(JSON.parse(decodeData(response.records[4]!.data)).metadata.warnings).toStrictEqual([
      { path: 'level', message: 'must be equal to one of the allowed values', severity: 'warning' },
    ]);
  });

  it('tells recordIds apart whatever they hold: a record named like another\'s element is its own', async () => {
    const line = (message: string) => ({ message, level: 'info' });
    const request = firehoseRequest([JSON.stringify([line('a0'), line('a1')]), JSON.stringify(line('b'))], 'inv-ids');
    request.records[0]!.recordId = 'r';
    request.records[1]!.recordId = 'r#1';
    const result = await h.stack.run('firehose', 's1-api-to-newrelic', request);
    expect(result.account!.counts).toMatchObject({ in: 3, delivered: 3, dropped: 0 });
    const response = result.output as FirehoseTransformResponse;
    expect(response.records.map((r) => [r.recordId, r.result])).toStrictEqual([['r', 'Ok'], ['r#1', 'Ok']]);
    expect(JSON.parse(decodeData(response.records[1]!.data))).toMatchObject({ message: 'b' });
  });

  it('takes a request as an emulator or an old console template sends it: no invocationId, string times, odd metadata (issue 11)', async () => {
    const { invocationId: _dropped, ...request } = firehoseRequest([JSON.stringify({ message: 'from an emulator', level: 'info' })]);
    const odd = { ...request, records: request.records.map((r) => ({ ...r, approximateArrivalTimestamp: '2026-11-23T09:30:00Z', kinesisRecordMetadata: { subsequenceNumber: '', approximateArrivalTimestamp: '2026-11-23T09:30:00Z' } })) };
    const first = await h.stack.run('firehose', 's1-api-to-newrelic', odd);
    expect(first.status).toBe('SUCCEEDED');
    expect((first.output as FirehoseTransformResponse).records.map((r) => [r.recordId, r.result])).toStrictEqual([[request.records[0]!.recordId, 'Ok']]);
    // sent again, it is the same batch
    expect((await h.stack.run('firehose', 's1-api-to-newrelic', odd)).account!.batchId).toBe(first.account!.batchId);
  });

  it('takes a request larger than a state can hold through the claim check, and answers every recordId', async () => {
    const datas = Array.from({ length: 600 }, (_, i) => JSON.stringify({ message: `event ${i} ${'x'.repeat(600)}`, level: 'info' }));
    const request = firehoseRequest(datas, 'inv-large');
    const text = JSON.stringify(request);
    expect(text.length).toBeGreaterThan(256 * 1024);
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-work', Key: 'requests/inv-large.json', Body: text }));
    const result = await h.stack.run('firehose', 's1-api-to-newrelic', { ref: { bucket: 'sluice-work', key: 'requests/inv-large.json' }, count: 600, bytes: text.length });
    expect(result.status).toBe('SUCCEEDED');
    const response = result.output as FirehoseTransformResponse;
    expect(response.records).toHaveLength(600);
    expect(response.records.every((r, i) => r.recordId === request.records[i]!.recordId && r.result === 'Ok')).toBe(true);
    const exits = result.events.filter((e) => e.type === 'StateExited');
    expect(Math.max(...exits.map((e) => JSON.stringify(e.state!.output ?? null).length))).toBeLessThan(256 * 1024);
  });
});
