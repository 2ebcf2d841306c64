import { describe, expect, it } from 'vitest';
import { firehoseRequest } from '../../../local/samples.ts';
import { firehoseResponse, withReingested } from '../../../tasks/account/firehose-response.ts';
import { emptyBody } from '../../../tasks/shared/body.ts';

const request = firehoseRequest(['a', 'b', 'c', 'd'], 'inv-fit');
const ids = request.records.map((r) => r.recordId);
const body = { ...emptyBody(), delivered: ids.map((unit, i) => ({ id: `r${i}`, unit, data: { text: 'x'.repeat(300) } })) };

describe('the Firehose response, within its limit', () => {
  it('answers every recordId in order, Ok in transform mode while it fits', () => {
    const { response, overflow } = firehoseResponse(request, body, 'transform', 'b1');
    expect(response.records.map((r) => [r.recordId, r.result])).toStrictEqual(ids.map((id) => [id, 'Ok']));
    expect(overflow).toStrictEqual([]);
  });

  it('drops, in order, the answers that do not fit, and says which records must go back on the stream', () => {
    const oneAnswer = Buffer.byteLength(JSON.stringify(firehoseResponse(firehoseRequest(['a'], 'inv-fit'), { ...body, delivered: [body.delivered[0]!] }, 'transform', 'b1').response));
    // room for two Ok answers and two Dropped ones, not three Ok
    const limit = 2 * oneAnswer + 200;
    const { response, overflow } = firehoseResponse(request, body, 'transform', 'b1', limit);
    expect(response.records.map((r) => r.result)).toStrictEqual(['Ok', 'Ok', 'Dropped', 'Dropped']);
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(limit);
    expect(overflow).toStrictEqual(ids.slice(2));
    // the ledger counts them as they are: dropped, reason reingested, no longer delivered
    const counted = withReingested(body, overflow);
    expect(counted.delivered.map((d) => d.unit)).toStrictEqual(ids.slice(0, 2));
    expect(counted.dropped).toStrictEqual([{ id: 'r2', unit: ids[2], reason: 'reingested' }, { id: 'r3', unit: ids[3], reason: 'reingested' }]);
  });

  it('metadata mode: the document says delivered and backed up apart; an answer that does not fit is dropped, nothing re-ingested', () => {
    const mixed = { ...body, delivered: body.delivered.slice(1), backedUp: [{ id: 'r0', unit: ids[0]!, key: 'k', code: 'OpenSearch.TimeoutError' }] };
    const { response, overflow } = firehoseResponse(request, mixed, 'metadata', 'b1');
    const first = JSON.parse(Buffer.from(response.records[0]!.data, 'base64').toString());
    expect(first).toMatchObject({ message: 'Processed 0 events via direct delivery, 1 backed up after delivery failed', delivered: 0, backedUp: 1 });
    expect(overflow).toStrictEqual([]);
    expect(firehoseResponse(request, mixed, 'metadata', 'b1', 600).response.records.some((r) => r.result === 'Dropped')).toBe(true);
    expect(firehoseResponse(request, mixed, 'metadata', 'b1', 600).overflow).toStrictEqual([]);
  });

  it('refuses a response that cannot fit even with every answer dropped', () => {
    expect(() => firehoseResponse(request, body, 'transform', 'b1', 100)).toThrow(/over Firehose's 100/);
  });
});
