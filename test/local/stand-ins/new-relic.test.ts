import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverToHttpEndpoint } from '../../../local/stand-ins/firehose-http-delivery.ts';
import { NewRelicStandIn } from '../../../local/stand-ins/new-relic.ts';

let newRelic: NewRelicStandIn;
beforeAll(async () => {
  newRelic = new NewRelicStandIn();
  await newRelic.start();
});
afterAll(() => newRelic.stop());

const logApi = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = { 'api-key': 'k' }) => fetch(`${newRelic.url}/log/v1`, { method: 'POST', headers, body });

/** A server that answers each request with the next of `answers` (status, and whether to echo the requestId). */
async function scripted(answers: [number, boolean][]): Promise<{ url: string; seen: string[]; stop: () => Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const requestId = (JSON.parse(body) as { requestId: string }).requestId;
      seen.push(`${req.headers['x-amz-firehose-request-id']}|${requestId}`);
      const [status, echo] = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      res.writeHead(status).end(JSON.stringify({ requestId: echo ? requestId : 'someone-else', timestamp: Date.now() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

const noWait = async () => {};

describe('the New Relic stand-in', () => {
  it('takes the Log API in its three shapes, gzip too, and refuses what New Relic refuses', async () => {
    const before = newRelic.logs.length;
    expect((await logApi('{"message":"one"}')).status).toBe(202);
    expect((await logApi('[{"message":"two"},{"message":"three"}]', { 'x-license-key': 'k' })).status).toBe(202);
    expect((await logApi(new Uint8Array(gzipSync('[{"common":{"attributes":{"service":"api"}},"logs":[{"message":"four"}]}]')), { 'api-key': 'k', 'content-encoding': 'gzip' })).status).toBe(202);
    expect(newRelic.logs.slice(before)).toStrictEqual([{ message: 'one' }, { message: 'two' }, { message: 'three' }, { service: 'api', message: 'four' }]);
    expect((await logApi('{"message":"x"}', {})).status).toBe(403);
    expect((await logApi('{"message":')).status).toBe(400);
  });
});

describe('Firehose HTTP endpoint delivery', () => {
  it('delivers to the stand-in\'s Firehose endpoint, gzip\'d, and the logs can be read back', async () => {
    const result = await deliverToHttpEndpoint({ url: newRelic.firehoseUrl, accessKey: 'k', gzip: true, retryDurationSeconds: 0, records: [Buffer.from('{"message":"via firehose"}'), Buffer.from('plain')] });
    expect(result).toStrictEqual({ delivered: 2, failed: [] });
    const read = (await (await fetch(`${newRelic.url}/logs?limit=2`)).json()) as { standIn: string; logs: unknown[] };
    expect(read.logs).toStrictEqual([{ message: 'via firehose' }, { message: 'plain' }]);
    expect(read.standIn).toContain('stand-in');
  });

  it('retries a 500 with the same requestId, then delivers once', async () => {
    const server = await scripted([[500, true], [200, true]]);
    const result = await deliverToHttpEndpoint({ url: server.url, accessKey: 'k', retryDurationSeconds: 300, records: [Buffer.from('x')], sleep: noWait });
    expect(result.delivered).toBe(1);
    expect(server.seen).toHaveLength(2);
    const [first, second] = server.seen.map((s) => s.split('|'));
    expect(first![0]).toBe(first![1]);
    expect(second).toStrictEqual(first);
    await server.stop();
  });

  it('a delivery of a batch tried before keeps its requestId, and its retry duration runs from the first try', async () => {
    const server = await scripted([[500, true]]);
    let clock = 1_000_000;
    // the first try began 300 s ago: the retry duration is spent, one attempt is left
    const result = await deliverToHttpEndpoint({
      url: server.url, accessKey: 'k', retryDurationSeconds: 300, requestId: 'batch-1', startedAt: clock - 300_000, records: [Buffer.from('x')],
      now: () => clock, sleep: async (ms) => void (clock += ms),
    });
    expect(server.seen).toStrictEqual(['batch-1|batch-1']);
    expect(result.failed).toMatchObject([{ errorCode: 'HttpEndpoint.ResponseErrorCode', attempts: 1 }]);
    await server.stop();
  });

  it('a 200 that does not echo the requestId is no delivery: retried for the retry duration, then failed', async () => {
    const server = await scripted([[200, false]]);
    let clock = 0;
    const result = await deliverToHttpEndpoint({
      url: server.url, accessKey: 'k', retryDurationSeconds: 10, records: [Buffer.from('a'), Buffer.from('b')],
      now: () => clock, sleep: async (ms) => void (clock += ms),
    });
    expect(result.delivered).toBe(0);
    // waits of 1, 2 and 4 s fit in 10 s; the next (8 s) would not
    expect(server.seen).toHaveLength(4);
    expect(result.failed.map((f) => [f.record.toString(), f.errorCode, f.attempts])).toStrictEqual([['a', 'HttpEndpoint.InvalidResponseFromDestination', 4], ['b', 'HttpEndpoint.InvalidResponseFromDestination', 4]]);
    await server.stop();
  });

  it('with no retry duration, one attempt; a closed port is the destination\'s fault, said so', async () => {
    const server = await scripted([[200, true]]);
    const url = server.url;
    await server.stop();
    const result = await deliverToHttpEndpoint({ url, accessKey: 'k', retryDurationSeconds: 0, records: [Buffer.from('x')], sleep: noWait });
    expect(result.failed).toMatchObject([{ errorCode: 'HttpEndpoint.DestinationException', attempts: 1 }]);
  });
});
