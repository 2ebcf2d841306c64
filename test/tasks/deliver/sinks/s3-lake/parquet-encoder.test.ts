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
    expect([...rejected]).toStrictEqual([['b', { code: 'ParquetColumnMismatch', message: 'km: not a number; at: not a timestamp', retryable: false }]]);
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
});
