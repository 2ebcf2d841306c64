import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Rec } from '../../../../../contracts/batch.ts';
import { bulkLines } from '../../../../../tasks/deliver/sinks/opensearch/encoder.ts';
import { openSearchSink } from '../../../../../tasks/deliver/sinks/opensearch/index.ts';
import { OpenSearchDouble } from '../../../../doubles/opensearch.ts';

const rec = (id: string, text: string): Rec => ({ id, unit: id, data: { text } });
const bytes = (record: Rec) => Buffer.byteLength(bulkLines(record, 'logs'));
const scope = { batchId: 'batch-1', deadline: Number.MAX_SAFE_INTEGER, now: Date.now };

let os: OpenSearchDouble;
beforeEach(async () => {
  os = await new OpenSearchDouble().start();
});
afterEach(() => os.stop());

describe('openSearchSink, a cluster that refuses a request as too large (413)', () => {
  it('sends a batch over the cluster limit again in halves until each fits: every document once, in 1 + 2 + 4 requests', async () => {
    // Prepare: eight documents of one size, the cluster taking three at most
    const records = Array.from({ length: 8 }, (_, i) => rec(`r${i}`, 'x'.repeat(100)));
    os.maxContentLength = bytes(records[0]!) * 3;

    // Act
    const outcome = await openSearchSink({ type: 'opensearch', index: 'logs', endpoint: os.url }).deliver(records, scope);

    // Assess: 8 refused, 4 and 4 refused, four requests of 2 taken
    expect(outcome.failed).toStrictEqual(new Map());
    expect(outcome.outputs).toStrictEqual([`${os.url}/logs`]);
    expect(os.requests).toBe(7);
    expect(os.writes).toStrictEqual(records.map((r) => r.id));
    expect([...os.docs.get('logs')!.entries()]).toStrictEqual(records.map((r) => [r.id, r.data]));
  });

  it('fails a document the cluster refuses alone, for good and saying why, and delivers the others', async () => {
    // Prepare: the cluster takes any two small documents, never the big one
    const records = [rec('a', 'a'), rec('b', 'b'), rec('big', 'y'.repeat(2_000)), rec('c', 'c'), rec('d', 'd')];
    os.maxContentLength = 1_000;

    // Act
    const outcome = await openSearchSink({ type: 'opensearch', index: 'logs', endpoint: os.url }).deliver(records, scope);

    // Assess: [a b big c d] refused, [a b big] refused, [a b] taken, [big] refused, [c d] taken
    expect(outcome.failed).toStrictEqual(
      new Map([
        [
          'big',
          {
            code: 'OpenSearch.DocumentTooLarge',
            message: `413: the cluster refused as too large a _bulk request of ${bytes(records[2]!)} bytes holding this document alone; it will never fit`,
            retryable: false,
          },
        ],
      ]),
    );
    expect(os.requests).toBe(5);
    expect(os.writes).toStrictEqual(['a', 'b', 'c', 'd']);
    expect(outcome.outputs).toStrictEqual([`${os.url}/logs`]);
  });
});
