import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { decodeUnits } from '../../tasks/decode/index.ts';
import { kinesisUnits } from '../../tasks/decode/sources.ts';
import { lineUnits } from '../../tasks/decode/sources.ts';
import { batchIdentity } from '../../tasks/shared/batch-identity.ts';
import type { Unit } from '../../tasks/decode/unit.ts';
import { cloudWatchPayload, pipesRecord } from '../../local/samples.ts';

const limits = defaultConfig.limits;
const unit = (data: string | Buffer, i = 0): Unit => ({
  unit: `u${i}`,
  coordinates: `test/${i}`,
  data: Buffer.from(data).toString('base64'),
  encoding: 'base64',
});

describe('decode', () => {
  it('parses JSON records and gives each an id from its source coordinates', () => {
    const out = decodeUnits([unit('{"a":1}', 0), unit('{"a":2}', 1)], limits);
    expect(out.records.map((r) => r.data)).toStrictEqual([{ a: 1 }, { a: 2 }]);
    expect(out.records[0]!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(decodeUnits([unit('{"a":1}', 0)], limits).records[0]!.id).toBe(out.records[0]!.id);
    expect(out.records[0]!.id).not.toBe(out.records[1]!.id);
  });

  it('quarantines data that is not base64, with its reason and the raw data', () => {
    const out = decodeUnits([{ ...unit(''), data: 'not base64!' }], limits);
    expect(out.records).toHaveLength(0);
    expect(out.quarantined).toMatchObject([{ unit: 'u0', reason: 'invalid-base64', raw: 'not base64!' }]);
  });

  it('quarantines a truncated gzip', () => {
    const truncated = gzipSync('{"a":1}').subarray(0, 12);
    expect(decodeUnits([unit(truncated)], limits).quarantined[0]!.reason).toBe('invalid-gzip');
  });

  it('gunzips data that starts with the gzip magic number', () => {
    expect(decodeUnits([unit(gzipSync('{"zipped":true}'))], limits).records[0]!.data).toStrictEqual({ zipped: true });
  });

  it('inflates zlib too (CloudWatch Logs has shipped it), within the same bound as gzip (issue 11)', () => {
    expect(decodeUnits([unit(deflateSync('{"deflated":true}'))], limits).records[0]!.data).toStrictEqual({ deflated: true });
    const payload = cloudWatchPayload(2);
    expect(decodeUnits([unit(deflateSync(JSON.stringify(payload), { level: 1 }))], limits).records).toHaveLength(2);
    const bomb = decodeUnits([unit(deflateSync(Buffer.alloc(64 * 1024 * 1024)))], limits).quarantined[0]!;
    expect([bomb.reason, bomb.errors[0]!.message]).toStrictEqual(['inflated-too-large', expect.stringMatching(/^zlib: inflates to more than/)]);
    // a zlib header over bytes that do not inflate and are not text: quarantined as zlib, with its reason
    expect(decodeUnits([unit(Buffer.from([0x78, 0x9c, 0xff, 0xfe, 0x00]))], limits).quarantined[0]!.reason).toBe('invalid-zlib');
  });

  it('drops a record of white space alone, or of a byte order mark alone, as empty (it was delivered as {"message":"  "})', () => {
    const out = decodeUnits([unit('  \r\n\t', 0), unit(Buffer.from([0xef, 0xbb, 0xbf]), 1), unit(gzipSync(' '), 2), unit(' x ', 3)], limits);
    expect(out.dropped.map((d) => [d.unit, d.reason])).toStrictEqual([['u0', 'empty'], ['u1', 'empty'], ['u2', 'empty']]);
    expect(out.records.map((r) => r.data)).toStrictEqual([{ message: ' x ' }]);
  });

  it('quarantines a record holding an integer JSON.parse would round (an id beyond 2^53), naming it; exact numbers and digits in strings go on', () => {
    const out = decodeUnits([
      unit('{"order_id":12345678901234567891,"n":1}', 0),
      unit('{"exact":9007199254740992,"float":1e20,"text":"12345678901234567891","small":-9007199254740991,"written":-39503776382850170,"e21":1000000000000000000000}', 1),
      unit('{"ok":1}\n{"deep":{"list":[-99999999999999999999]}}', 2),
    ], limits);
    expect(out.records.map((r) => r.data)).toStrictEqual([{ exact: 9007199254740992, float: 1e20, text: '12345678901234567891', small: -9007199254740991, written: -39503776382850170, e21: 1e21 }, { ok: 1 }]);
    expect(out.quarantined.map((q) => [q.unit, q.reason, q.raw])).toStrictEqual([
      ['u0', 'inexact-integer', unit('{"order_id":12345678901234567891,"n":1}').data],
      ['u2', 'inexact-integer', unit('{"ok":1}\n{"deep":{"list":[-99999999999999999999]}}').data],
    ]);
    expect(out.quarantined[0]!.errors[0]!.message).toContain('12345678901234567891');
    expect(out.quarantined[0]!.errors[0]!.message).toContain('12345678901234567000');
    // written back as 1e+23, the same number; an integer too large for a double is the non-finite check's, and its neighbour goes on
    const more = decodeUnits([unit('{"a":100000000000000000000000}', 3), unit(`[{"good":1},{"x":1e20,"y":1${'0'.repeat(320)}}]`, 4)], limits);
    expect(more.records.map((r) => r.data)).toStrictEqual([{ a: 1e23 }, { good: 1 }]);
    expect(more.quarantined.map((q) => q.reason)).toStrictEqual(['non-finite-number']);
  });

  it('text that only starts like a zlib header ("x^", "x\\u0001") stays text', () => {
    expect(decodeUnits([unit('x^2 + y^2')], limits).records[0]!.data).toStrictEqual({ message: 'x^2 + y^2' });
    expect(decodeUnits([unit('x\u0001 marker')], limits).records[0]!.data).toStrictEqual({ message: 'x\u0001 marker' });
  });

  it('quarantines text that looks like JSON but does not parse', () => {
    const out = decodeUnits([unit('{"a": 1,,}')], limits);
    expect(out.quarantined[0]).toMatchObject({ reason: 'invalid-json', severity: 'error' });
    expect(out.quarantined[0]!.errors[0]!.message).toMatch(/^JSON: /);
  });

  it('quarantines bytes that are not UTF-8', () => {
    expect(decodeUnits([unit(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))], limits).quarantined[0]!.reason).toBe('invalid-utf8');
  });

  it('wraps plain text as {message}', () => {
    expect(decodeUnits([unit('disk almost full')], limits).records[0]!.data).toStrictEqual({ message: 'disk almost full' });
  });

  it('fans out JSON Lines and arrays into one record each, with distinct ids', () => {
    const out = decodeUnits([unit('{"n":1}\n{"n":2}\n'), unit('[{"n":3},{"n":4}]', 1)], limits);
    expect(out.records.map((r) => r.data.n)).toStrictEqual([1, 2, 3, 4]);
    expect(new Set(out.records.map((r) => r.id)).size).toBe(4);
    expect(out.records.map((r) => r.unit)).toStrictEqual(['u0', 'u0', 'u1', 'u1']);
  });

  it('quarantines a 2 MB record as too large, keeping its bytes', () => {
    const big = JSON.stringify({ blob: 'x'.repeat(2 * 1024 * 1024) });
    const out = decodeUnits([unit(big), unit('{"ok":true}', 1)], limits);
    expect(out.quarantined).toHaveLength(1);
    expect(out.quarantined[0]!.reason).toBe('record-too-large');
    expect(Buffer.from(out.quarantined[0]!.raw, 'base64').toString()).toBe(big);
    expect(out.records).toHaveLength(1);
  });

  it('quarantines 10k-deep nesting instead of overflowing the stack later', () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const deepObject = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const out = decodeUnits([unit(deep), unit(deepObject, 1), unit('{"fine":1}', 2)], limits);
    expect(out.quarantined.map((q) => q.reason)).toStrictEqual(['too-deep', 'too-deep']);
    expect(out.records.map((r) => r.data)).toStrictEqual([{ fine: 1 }]);
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('keeps __proto__ and constructor keys as data without polluting prototypes', () => {
    const out = decodeUnits([unit('{"__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}},"x":1}')], limits);
    const data = out.records[0]!.data;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.hasOwn(data, '__proto__')).toBe(true);
    expect(JSON.stringify(data)).toBe('{"__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}},"x":1}');
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it('decodes an empty batch into nothing', () => {
    expect(decodeUnits([], limits)).toStrictEqual({ records: [], quarantined: [], dropped: [] });
    expect(kinesisUnits([]).units).toStrictEqual([]);
  });

  it('fans a CloudWatch Logs DATA_MESSAGE out to one record per log event, id from logEvents[].id', () => {
    const payload = cloudWatchPayload(3);
    const out = decodeUnits([unit(gzipSync(JSON.stringify(payload)))], limits);
    expect(out.records).toHaveLength(3);
    expect(out.records[0]!.data).toStrictEqual({
      '@id': payload.logEvents[0]!.id,
      '@timestamp': new Date(payload.logEvents[0]!.timestamp).toISOString(),
      '@message': payload.logEvents[0]!.message,
      '@logGroup': payload.logGroup,
      '@logStream': payload.logStream,
      '@owner': payload.owner,
    });
    const again = decodeUnits([{ ...unit(gzipSync(JSON.stringify(payload))), unit: 'other', coordinates: 'elsewhere' }], limits);
    expect(again.records.map((r) => r.id)).toStrictEqual(out.records.map((r) => r.id));
  });

  it('drops a CloudWatch Logs CONTROL_MESSAGE with a reason, counting it once', () => {
    const out = decodeUnits([unit(gzipSync(JSON.stringify(cloudWatchPayload(0, 0, 'CONTROL_MESSAGE'))))], limits);
    expect(out).toMatchObject({ records: [], quarantined: [], dropped: [{ unit: 'u0', reason: 'cloudwatch-control-message' }] });
  });

  it('quarantines a payload that claims to be CloudWatch Logs but is not', () => {
    const out = decodeUnits([unit(JSON.stringify({ messageType: 'DATA_MESSAGE', logEvents: 'nope' }))], limits);
    expect(out.quarantined[0]!.reason).toBe('invalid-cloudwatch-payload');
  });

  it('reads Pipes records by eventID, with the shard and arrival time', () => {
    const { units, source } = kinesisUnits([pipesRecord('{"a":1}', 7)]);
    expect(source.shard).toBe('shardId-000000000000');
    expect(units[0]).toMatchObject({ unit: pipesRecord('', 7).eventID, encoding: 'base64' });
    expect(units[0]!.arrivedAt).toBe(Math.round(pipesRecord('', 7).approximateArrivalTimestamp! * 1000));
  });

  it('numbers S3 lines across the object, skips blank lines, and passes invalid UTF-8 on to be quarantined', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":1}\r\n\n   \n'), Buffer.from([0xff, 0x0a]), Buffer.from('{"a":2}')]);
    const units = lineUnits(bytes, 101, { bucket: 'b', key: 'k.jsonl' });
    expect(units.map((u) => u.unit)).toStrictEqual(['k.jsonl:101', 'k.jsonl:104', 'k.jsonl:105']);
    const out = decodeUnits(units, limits);
    expect(out.records.map((r) => r.data)).toStrictEqual([{ a: 1 }, { a: 2 }]);
    expect(out.quarantined.map((q) => [q.unit, q.reason])).toStrictEqual([['k.jsonl:104', 'invalid-utf8']]);
  });
});

describe('batch ids', () => {
  it('cannot be steered by the input into other key prefixes', () => {
    const hostile = { ...pipesRecord('{}', 1), eventID: '../../../etc/passwd:1', eventSourceARN: 'arn:aws:kinesis:x:1:stream/a/../b' };
    const { batchId } = kinesisUnits([hostile]);
    expect(batchId).toMatch(/^kinesis\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[0-9a-f]{16}$/);
  });
});

describe('a batch\'s arrival (what its error objects are dated by)', () => {
  const converted = join(import.meta.dirname, '../../../shared/corpus/aws-events/converted');
  const sample = (path: string): unknown => JSON.parse(readFileSync(join(converted, path), 'utf8'));

  it('is the oldest record\'s approximate arrival timestamp, or an S3 object\'s event time, in the public corpus', () => {
    expect(batchIdentity('kinesis', sample('pipes/aws-sam-cli__Kinesis.json')).source.arrivedAt).toBe(Date.UTC(2015, 3, 9));
    expect(batchIdentity('firehose', sample('firehose/aws-sam-cli__KinesisFirehose.rendered.json')).source.arrivedAt).toBe(1495072949453);
    expect(batchIdentity('s3', sample('s3/repointed__awsdocs-s3__ev-events-object-created.json')).source.arrivedAt).toBe(Date.UTC(2021, 10, 12));
    const older = { ...pipesRecord('{}', 2), approximateArrivalTimestamp: 1_700_000_000.5 };
    expect(batchIdentity('kinesis', [pipesRecord('{}', 1), older]).source.arrivedAt).toBe(1_700_000_000_500);
  });

  it('is left out where no record says when it arrived, never failing the batch', () => {
    const { approximateArrivalTimestamp: _, ...timeless } = pipesRecord('{}', 1);
    expect(batchIdentity('kinesis', [timeless]).source).not.toHaveProperty('arrivedAt');
    expect(batchIdentity('firehose', { invocationId: 'i', records: [{ recordId: 'r', data: 'e30=', approximateArrivalTimestamp: 'not a time' }] }).source).not.toHaveProperty('arrivedAt');
    // a year of five digits would make an S3 key of `year=+10000/month=01/day=undefined`
    expect(batchIdentity('firehose', { invocationId: 'i', records: [{ recordId: 'r', data: 'e30=', approximateArrivalTimestamp: 8e15 }] }).source).not.toHaveProperty('arrivedAt');
  });
});
