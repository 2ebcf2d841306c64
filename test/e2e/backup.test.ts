import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, Body } from '../../contracts/batch.ts';
import { backupBody } from '../../tasks/backup/index.ts';
import { openStack, type Harness } from './harness.ts';

const NOW = Date.UTC(2026, 10, 23, 12);
const issue = (path: string, message: string) => ({ path, message, severity: 'error' as const });

const body = (): Body => ({
  records: [],
  delivered: [{ id: 'd1', unit: 'u0' }],
  dropped: [],
  quarantined: [
    { id: 'q1', unit: 'u1', reason: 'invalid-utf8', severity: 'error', errors: [issue('', 'data is not valid UTF-8')], raw: 'gA==' },
    { id: 'q2', unit: 'u2', reason: 'schema', severity: 'error', errors: [issue('/amount', 'must be number'), issue('/user', 'is required')], raw: '{"amount":"x"}' },
    { id: 'q3', unit: 'u3', reason: 'invalid-utf8', severity: 'error', errors: [issue('', 'data is not valid UTF-8')], raw: 'gQ==' },
    // already written by an earlier pass: left where it is
    { id: 'q4', unit: 'u4', reason: 'schema', severity: 'error', errors: [], raw: '{}', key: 'errors/earlier.jsonl' },
  ],
  failed: [
    { id: 'f1', unit: 'u5', data: { a: 1 }, arrivedAt: NOW - 5000, pending: ['opensearch'], attempts: 3, error: { code: 'mapper_parsing_exception', message: 'failed to parse', retryable: false } },
    { id: 'f2', unit: 'u6', data: { b: 2 }, pending: ['lake'], attempts: 1 },
  ],
  backedUp: [],
  outputs: { backup: ['s3://old/one.jsonl'] },
});

describe('backupBody: quarantined and failed records into the backup bucket', () => {
  let h: Harness;
  let batch: Batch;
  beforeAll(async () => {
    h = await openStack();
    h.stack.ctx.now = () => NOW;
    batch = {
      pipeline: 's4-events-processed',
      workflow: 's3',
      batchId: 'b-1',
      source: {},
      body: body(),
      counts: { in: 7, delivered: 1, quarantined: 4, dropped: 0, backedUp: 0, failed: 2, pending: 0 },
      retry: { attempt: 0, again: false, delaySeconds: 0, elapsedSeconds: 0, until: 0 },
    };
  });
  afterAll(() => h.stop());

  it('writes one JSON Lines object per reason, under the day and the reason, and says where each record went', async () => {
    const out = await backupBody(body(), batch, h.stack.ctx);
    const bucket = h.stack.config.buckets.backup;
    const keys = await h.keys(bucket, 'errors/');
    expect(keys.map((key) => key.replace(/b-1-[0-9a-f]+\.jsonl$/, 'b-1-*.jsonl'))).toStrictEqual([
      'errors/year=2026/month=11/day=23/DeliveryFailed/b-1-*.jsonl',
      'errors/year=2026/month=11/day=23/invalid-utf8/b-1-*.jsonl',
      'errors/year=2026/month=11/day=23/mapper_parsing_exception/b-1-*.jsonl',
      'errors/year=2026/month=11/day=23/schema/b-1-*.jsonl',
    ]);
    const keyOf = (reason: string) => keys.find((key) => key.includes(`/${reason}/`))!;

    const utf8 = (await h.text(bucket, keyOf('invalid-utf8'))).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(utf8.map((r) => [r.recordId, r.rawData, r.errorMessage])).toStrictEqual([
      ['q1', 'gA==', 'data is not valid UTF-8'],
      ['q3', 'gQ==', 'data is not valid UTF-8'],
    ]);
    const [schema] = (await h.text(bucket, keyOf('schema'))).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(schema.errorMessage).toBe('/amount: must be number; /user: is required');
    const [failed] = (await h.text(bucket, keyOf('mapper_parsing_exception'))).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(failed).toMatchObject({ recordId: 'f1', attemptsMade: 3, arrivalTimestamp: NOW - 5000, attemptEndingTimestamp: NOW, pendingSinks: ['opensearch'], rawData: '{"a":1}' });

    expect(out.failed).toStrictEqual([]);
    expect(out.backedUp).toStrictEqual([
      { id: 'f1', unit: 'u5', key: keyOf('mapper_parsing_exception'), code: 'mapper_parsing_exception' },
      { id: 'f2', unit: 'u6', key: keyOf('DeliveryFailed'), code: 'DeliveryFailed' },
    ]);
    expect(out.quarantined.map((q) => [q.id, q.key])).toStrictEqual([
      ['q1', keyOf('invalid-utf8')],
      ['q2', keyOf('schema')],
      ['q3', keyOf('invalid-utf8')],
      ['q4', 'errors/earlier.jsonl'],
    ]);
    expect(out.delivered).toStrictEqual([{ id: 'd1', unit: 'u0' }]);
    expect(out.outputs.backup).toStrictEqual(['s3://old/one.jsonl', ...keys.map((key) => `s3://${bucket}/${key}`)].sort());
  });

  it('writes the same objects again on a retry, not new ones', async () => {
    const before = await h.keys(h.stack.config.buckets.backup, 'errors/');
    const again = await backupBody(body(), batch, h.stack.ctx);
    expect(await h.keys(h.stack.config.buckets.backup, 'errors/')).toStrictEqual(before);
    expect(again.backedUp.map((b) => b.key).sort()).toStrictEqual(before.filter((key) => /DeliveryFailed|mapper/.test(key)));
  });

  it('dates its objects by when the batch\'s oldest record arrived, not by the run: a redrive the next day rewrites the same keys', async () => {
    const bucket = h.stack.config.buckets.backup;
    const arrived = { ...batch, batchId: 'b-2', source: { arrivedAt: NOW - 3_600_000 } };
    const first = await backupBody(body(), arrived, h.stack.ctx);
    const keys = (await h.keys(bucket, 'errors/')).filter((key) => key.includes('/b-2-'));
    expect(keys).toHaveLength(4);
    expect(keys.every((key) => key.startsWith('errors/year=2026/month=11/day=23/'))).toBe(true);
    h.stack.ctx.now = () => NOW + 86_400_000;
    try {
      const nextDay = await backupBody(body(), arrived, h.stack.ctx);
      expect((await h.keys(bucket, 'errors/')).filter((key) => key.includes('/b-2-'))).toStrictEqual(keys);
      expect(nextDay.quarantined).toStrictEqual(first.quarantined);
    } finally {
      h.stack.ctx.now = () => NOW;
    }
  });
});
