import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { s0Request } from '../../local/samples.ts';
import { localRedriver } from '../../local/redriver.ts';
import { redrivable } from '../../redrive/redrivable.ts';
import { redrive } from '../../redrive/redrive.ts';
import type { OpenSearchDouble } from '../doubles/opensearch.ts';
import { entered, openStackWithOpenSearch, type Harness } from './harness.ts';

let os: OpenSearchDouble;
let h: Harness;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ os, h, stop } = await openStackWithOpenSearch((config) => {
    for (const sink of config.pipelines['s0-logs-to-opensearch']!.sinks) if (sink.type === 'opensearch') sink.timeoutMs = 300;
    // a short retry duration on the execution's clock (waits are skipped, but counted)
    config.pipelines['s0-logs-to-opensearch']!.retryDurationSeconds = 20;
  }));
});
afterAll(() => stop());

const passes = (result: { events: { type: string; state?: { name: string } }[] }) => entered(result.events).filter((n) => n === 'Deliver to sinks').length;

describe('sink faults (issue 6): transient by one classifier, retried by time, never the execution', () => {
  it('two whole-request 503s and a round of per-item 429s: OpenSearch recovers and every record is delivered, none backed up', async () => {
    os.heal();
    os.failRequests(503, 2);
    os.failItems(() => true, 429, 3000);
    const request = s0Request(30, 100, 20_000);
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', request);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account).toMatchObject({ status: 'SUCCEEDED', counts: { in: 3001, delivered: 3000, backedUp: 0, dropped: 1 } });
    expect(passes(result)).toBeGreaterThanOrEqual(4);
    expect(new Set(os.writes).size).toBe(os.writes.length);
  });

  it('OpenSearch that never answers: each request times out, the records are retried until the retry duration, then backed up; the execution ends well inside the Express limit', async () => {
    os.heal();
    os.hang(1_000);
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', s0Request(1, 3, 30_000));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account).toMatchObject({ status: 'BACKED_UP', counts: { in: 4, backedUp: 3, dropped: 1 } });
    const backups = (await h.lines('sluice-backup', 'errors/')).filter((b) => b.batchId === result.account!.batchId);
    expect(backups.map((b) => b.errorCode)).toStrictEqual(['OpenSearch.TimeoutError', 'OpenSearch.TimeoutError', 'OpenSearch.TimeoutError']);
    expect(passes(result)).toBeGreaterThan(1);
    // on the execution's own clock (waits counted): the loop stopped by time, inside the Express limit
    const last = result.events.filter((e) => e.type === 'StateExited' && e.state?.name === 'Deliver to sinks').at(-1)!.state!.output as { retry: { again: boolean; elapsedSeconds: number } };
    expect(last.retry).toMatchObject({ again: false });
    expect(last.retry.elapsedSeconds).toBeLessThan(300);
    // the metadata document says what happened: nothing delivered, three backed up
    const metadata = JSON.parse(Buffer.from((result.output as FirehoseTransformResponse).records[0]!.data, 'base64').toString());
    expect(metadata).toMatchObject({ message: 'Processed 0 events via direct delivery, 3 backed up after delivery failed', delivered: 0, backedUp: 3 });
  });

  it('a refused connection is transient too: backed up after the retry duration, then redriven once OpenSearch is back, nothing twice', async () => {
    os.heal();
    const url = os.url;
    await os.stop();
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', s0Request(1, 3, 31_000));
    expect(result.account).toMatchObject({ status: 'BACKED_UP', counts: { backedUp: 3 } });
    expect(passes(result)).toBeGreaterThan(1);
    const backups = (await h.lines('sluice-backup', 'errors/')).filter((b) => b.batchId === result.account!.batchId);
    expect(backups.map((b) => b.errorCode)).toStrictEqual(['OpenSearch.ConnectionError', 'OpenSearch.ConnectionError', 'OpenSearch.ConnectionError']);
    await os.start(Number(new URL(url).port));
    const pending = await redrivable(h.stack.ctx, { batchId: result.account!.batchId });
    const [outcome] = await redrive(localRedriver(h.stack), pending);
    expect(outcome).toMatchObject({ execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    expect(new Set(os.writes).size).toBe(os.writes.length);
  });

  it('OpenSearch that writes, then never answers: the retry finds the documents there (409) and counts them delivered, once', async () => {
    os.heal();
    os.writeThenNeverAnswer();
    const before = os.writes.length;
    setTimeout(() => os.heal(), 1_000);
    const result = await h.stack.run('firehose', 's0-logs-to-opensearch', s0Request(1, 5, 32_000));
    expect(result.account).toMatchObject({ status: 'SUCCEEDED', counts: { in: 6, delivered: 5 } });
    expect(os.writes.length - before).toBe(5);
    expect(new Set(os.writes).size).toBe(os.writes.length);
  });

  it('OpenSearch that refuses the request of a batch as too large (413): sent again in halves, every record delivered once in the one pass, none backed up', async () => {
    os.heal();
    os.maxContentLength = 2_000;
    const before = { requests: os.requests, writes: os.writes.length };
    try {
      const result = await h.stack.run('firehose', 's0-logs-to-opensearch', s0Request(1, 20, 33_000));
      expect(result.account).toMatchObject({ status: 'SUCCEEDED', counts: { in: 21, delivered: 20, backedUp: 0 } });
      expect(passes(result)).toBe(1);
      expect(os.writes.length - before.writes).toBe(20);
      expect(os.requests - before.requests).toBeGreaterThan(2);
      expect(new Set(os.writes).size).toBe(os.writes.length);
    } finally {
      os.maxContentLength = Number.POSITIVE_INFINITY;
    }
  });
});
