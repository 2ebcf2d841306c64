import { describe, expect, it } from 'vitest';
import type { Rec } from '../../../../../contracts/batch.ts';
import { bulkLines } from '../../../../../tasks/deliver/sinks/opensearch/encoder.ts';
import { bulkRequests, halves } from '../../../../../tasks/deliver/sinks/opensearch/request-builder.ts';

const rec = (id: string, text: string): Rec => ({ id, unit: id, data: { text } });
const size = (record: Rec) => Buffer.byteLength(bulkLines(record, 'logs'));

describe('bulkRequests', () => {
  it('keeps every record once, in order, each request the bulk lines of its records', () => {
    const records = ['a', 'b', 'c', 'd', 'e'].map((id) => rec(id, id.repeat(20)));
    const requests = bulkRequests(records, 'logs', size(records[0]!) * 2);
    expect(requests.map((r) => r.records.map((x) => x.id))).toStrictEqual([['a', 'b'], ['c', 'd'], ['e']]);
    for (const request of requests) expect(request.body).toBe(request.records.map((r) => bulkLines(r, 'logs')).join(''));
  });

  it('fills a request up to maxBytes exactly, and cuts one byte below', () => {
    const records = [rec('a', 'x'), rec('b', 'y'), rec('c', 'z')];
    const two = size(records[0]!) + size(records[1]!);
    expect(bulkRequests(records, 'logs', two).map((r) => r.records.length)).toStrictEqual([2, 1]);
    expect(bulkRequests(records, 'logs', two - 1).map((r) => r.records.length)).toStrictEqual([1, 1, 1]);
  });

  it('sends a record larger than maxBytes alone, not never', () => {
    const records = [rec('a', 'x'), rec('big', 'y'.repeat(500)), rec('c', 'z')];
    const requests = bulkRequests(records, 'logs', 200);
    expect(requests.map((r) => r.records.map((x) => x.id))).toStrictEqual([['a'], ['big'], ['c']]);
    expect(Buffer.byteLength(requests[1]!.body)).toBeGreaterThan(200);
    expect(bulkRequests([records[1]!], 'logs', 200).map((r) => r.records.length)).toStrictEqual([1]);
  });

  it('makes no request of no records', () => {
    expect(bulkRequests([], 'logs', 1000)).toStrictEqual([]);
  });
});

describe('halves', () => {
  it('cuts a request in two, the first with the odd record, each body the bulk lines of its records', () => {
    const [request] = bulkRequests(['a', 'b', 'c', 'd', 'e'].map((id) => rec(id, id)), 'logs', 10_000);
    const [first, second] = halves(request!, 'logs');
    expect([first.records.map((r) => r.id), second.records.map((r) => r.id)]).toStrictEqual([['a', 'b', 'c'], ['d', 'e']]);
    expect(first.body + second.body).toBe(request!.body);
  });
});
