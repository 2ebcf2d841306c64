import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError, decodeOrThrow } from '../../contracts/decode.ts';
import { FirehoseTransformRequest } from '../../contracts/firehose.ts';

const decode = (value: unknown) => decodeOrThrow(FirehoseTransformRequest, value, 'request');
const record = { recordId: 'r-1', data: Buffer.from('{"a":1}').toString('base64') };

describe('a Firehose transformation request, as AWS and others send it (issue 11)', () => {
  it('tolerates what sluice does not read: kinesisRecordMetadata of any shape, unknown fields kept', () => {
    const request = decode({
      invocationId: 'inv-1',
      extra: 'kept',
      records: [{ ...record, kinesisRecordMetadata: { approximateArrivalTimestamp: '2012-04-23T18:25:43.511Z', subsequenceNumber: '', shardId: 7 } }],
    });
    expect(request).toMatchObject({ invocationId: 'inv-1', extra: 'kept', records: [{ recordId: 'r-1', kinesisRecordMetadata: { subsequenceNumber: '' } }] });
  });

  it('reads an arrival time given as epoch ms, a numeric string or an ISO date; an unreadable one is left out', () => {
    const times = ['1700000000000', '2012-04-23T18:25:43.511Z', 1700000000000, 'soon', null].map(
      (approximateArrivalTimestamp) => decode({ invocationId: 'i', records: [{ ...record, approximateArrivalTimestamp }] }).records[0]!.approximateArrivalTimestamp,
    );
    expect(times).toStrictEqual([1700000000000, Date.parse('2012-04-23T18:25:43.511Z'), 1700000000000, undefined, undefined]);
  });

  it('gives a request without invocationId one derived from its recordIds: the same request, the same batch', () => {
    const first = decode({ records: [record, { ...record, recordId: 'r-2' }] });
    const again = decode({ records: [record, { ...record, recordId: 'r-2' }] });
    const other = decode({ records: [record] });
    expect(first.invocationId).toMatch(/^generated-[0-9a-f]{32}$/);
    expect(again.invocationId).toBe(first.invocationId);
    expect(other.invocationId).not.toBe(first.invocationId);
  });

  it('still refuses what sluice reads when it is missing or wrong, naming the path', () => {
    const problems = (value: unknown) => {
      try {
        decode(value);
      } catch (error) {
        return (error as ContractError).problems;
      }
      throw new Error('accepted');
    };
    expect(problems({ invocationId: 'i', records: [{ data: 'eA==' }] })).toStrictEqual(['records.0.recordId: expected string, got nothing']);
    expect(problems({ invocationId: 'i', records: [{ recordId: 'r', data: 5 }] })).toStrictEqual(['records.0.data: expected string, got 5']);
    expect(problems({ invocationId: 'i' })[0]).toMatch(/^records: expected Array.*, got nothing$/);
  });

  it('decodes every Firehose-shaped sample of the public corpus', () => {
    const corpus = '../shared/corpus/aws-events';
    const files = [
      ...readdirSync(join(corpus, 'converted/firehose')).map((name) => join(corpus, 'converted/firehose', name)),
      join(corpus, 'aws-lambda-go/kinesis-firehose-event.json'),
      ...readdirSync(join(corpus, 'powertools-python')).filter((name) => name.startsWith('kinesisFirehose')).map((name) => join(corpus, 'powertools-python', name)),
    ];
    expect(files.length).toBeGreaterThanOrEqual(17);
    for (const file of files) {
      const request = decode(JSON.parse(readFileSync(file, 'utf8')));
      expect(request.records.length, file).toBeGreaterThan(0);
    }
  });
});
