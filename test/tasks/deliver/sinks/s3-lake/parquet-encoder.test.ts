import { parquetReadObjects } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { encodeParquet } from '../../../../../tasks/deliver/sinks/s3-lake/parquet-encoder.ts';

const rec = (id: string, data: Record<string, unknown>) => ({ id, unit: id, data });
const read = (body: Uint8Array) => parquetReadObjects({ file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer });

describe('Parquet encoder', () => {
  it('writes the declared columns in their types, nulls for missing fields, dotted paths into nested data', async () => {
    const { body, rejected } = encodeParquet(
      [rec('a', { id: 'a', n: 1.5, big: 42, ok: true, at: 1763890200, payload: { amount: 7 } }), rec('b', { id: 'b', at: '2026-11-23T09:30:00Z' })],
      { id: 'STRING', n: 'DOUBLE', big: 'INT64', ok: 'BOOLEAN', at: 'TIMESTAMP', 'payload.amount': 'DOUBLE' },
    );
    expect(rejected.size).toBe(0);
    expect(await read(body)).toStrictEqual([
      { id: 'a', n: 1.5, big: 42n, ok: true, at: new Date('2025-11-23T09:30:00Z'), 'payload.amount': 7 },
      { id: 'b', n: null, big: null, ok: null, at: new Date('2026-11-23T09:30:00Z'), 'payload.amount': null },
    ]);
  });

  it('leaves out a record whose value does not fit its column, saying which and why', async () => {
    const { body, rejected } = encodeParquet([rec('a', { km: 12 }), rec('b', { km: '12 km', at: 'yesterday' })], { km: 'DOUBLE', at: 'TIMESTAMP' });
    expect([...rejected]).toStrictEqual([['b', { code: 'ParquetColumnMismatch', message: 'km: not a number; at: not a timestamp (an RFC 3339 date-time with its offset, a date, or epoch seconds or milliseconds)', retryable: false }]]);
    expect(await read(body)).toStrictEqual([{ km: 12, at: null }]);
  });

  it('a JSON column keeps its value whole, or leaves its record out: a __proto__ field in it, which the writer would drop, at any depth', async () => {
    const sent = JSON.parse('{"sensor":"obd","faults":[{"code":"P0420"}],"constructor":{"name":"String"}}') as Record<string, unknown>;
    const dropped = ['{"sensor":"obd","__proto__":{"firmware":"1.2"}}', '{"faults":[{"__proto__":{"code":"P0420"}}]}'].map((text) => JSON.parse(text) as unknown);
    const { body, rejected } = encodeParquet([rec('a', { extra: sent }), rec('b', { extra: dropped[0] }), rec('c', { extra: dropped[1] })], { extra: 'JSON' });
    const why = (path: string) => ({ code: 'ParquetColumnMismatch', message: `extra: holds a field named __proto__ (${path}), which the Parquet writer drops`, retryable: false });
    expect([...rejected]).toStrictEqual([['b', why('__proto__')], ['c', why('faults[0].__proto__')]]);
    const rows = await read(body);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0]!.extra)).toBe(JSON.stringify(sent));
  });

  it('a STRING holding a lone UTF-16 surrogate leaves its record out: UTF-8 cannot hold it, and the writer put U+FFFD in its place', async () => {
    const { body, rejected } = encodeParquet([rec('a', { s: 'a\ud83d\ude00b' }), rec('b', { s: 'VH\ud800X' }), rec('c', { s: '\udc00' })], { s: 'STRING' });
    expect([...rejected.keys()]).toStrictEqual(['b', 'c']);
    expect(rejected.get('b')!.message).toContain('lone UTF-16 surrogate');
    expect(await read(body)).toStrictEqual([{ s: 'a\ud83d\ude00b' }]);
  });

  it('a TIMESTAMP is an RFC 3339 date-time, a date or epoch seconds or milliseconds, to the millisecond; not whatever Date makes of a string', async () => {
    const fits = ['2024-02-29T23:59:59.999Z', '2024-03-01T01:00:00+01:00', '2024-03-01', '2024-03-01T00:00:00.123000Z', 1709251200, 1709251200123];
    const not = ['12', 'March 7', '2024-02-30T00:00:00Z', '2023-02-29', '2024-03-01T00:00:00', '2024-03-01T00:00:00.1234Z', 1709251200123.5, 1e300, ''];
    const { body, rejected } = encodeParquet([...fits, ...not].map((at, i) => rec(`r${i}`, { at })), { at: 'TIMESTAMP' });
    expect([...rejected.keys()]).toStrictEqual(not.map((_, i) => `r${fits.length + i}`));
    expect((await read(body)).map((row) => (row.at as Date).toISOString())).toStrictEqual([
      '2024-02-29T23:59:59.999Z', '2024-03-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', '2024-03-01T00:00:00.123Z', '2024-03-01T00:00:00.000Z', '2024-03-01T00:00:00.123Z',
    ]);
  });
});
