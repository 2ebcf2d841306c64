import formatsModule from 'ajv-formats/dist/formats.js';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import type { ParquetColumnType } from '../../../../contracts/config.ts';

type Cell = string | number | bigint | boolean | Date | Record<string, unknown> | unknown[] | null;

/** A field by dotted path, own properties only. */
function valueAt(data: Record<string, unknown>, path: string): unknown {
  let value: unknown = data;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const EPOCH_MILLIS_FROM = 100_000_000_000;

// ajv-formats is CommonJS: under ESM its exports are the module's `default`; its RFC 3339 checks, the ones validation uses
const { fullFormats } = formatsModule;
const isDateTime = (fullFormats['date-time'] as { validate: (text: string) => boolean }).validate;
const isDate = (fullFormats.date as { validate: (text: string) => boolean }).validate;

/**
 * A TIMESTAMP cell (milliseconds): epoch seconds (below 1e11) or milliseconds, an RFC 3339 date-time (with its
 * offset) or a date; not what Date would make of anything ("12", "March 7", 2024-02-30 as March 1), nor a
 * time finer than the column holds.
 */
function timestampOf(value: unknown): { cell: Date } | { error: string } {
  const notOne = { error: 'not a timestamp (an RFC 3339 date-time with its offset, a date, or epoch seconds or milliseconds)' };
  let ms: number;
  if (typeof value === 'number') {
    ms = value < EPOCH_MILLIS_FROM ? value * 1000 : value;
    if (Number.isFinite(ms) && !Number.isInteger(ms)) return { error: 'finer than a millisecond, which a TIMESTAMP column cannot hold (declare it DOUBLE)' };
  } else if (typeof value === 'string' && (isDateTime(value) || isDate(value))) {
    if (/\.\d{3}\d*[1-9]/.test(value)) return { error: 'finer than a millisecond, which a TIMESTAMP column cannot hold (declare it STRING)' };
    ms = Date.parse(value);
  } else return notOne;
  return Number.isNaN(new Date(ms).getTime()) ? notOne : { cell: new Date(ms) };
}

/**
 * Where a value holds a field named `__proto__` (its path below the column), if anywhere. hyparquet-writer copies
 * a JSON column's value field by field by assignment, which sets a prototype instead (measured:
 * `{"sensor":"obd","__proto__":{…}}` was written as `{"sensor":"obd"}`).
 */
function protoFieldPath(value: unknown, path: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = protoFieldPath(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (key === '__proto__') return at;
    const found = protoFieldPath((value as Record<string, unknown>)[key], at);
    if (found) return found;
  }
  return undefined;
}

/** A value in its column's type, or why it does not fit (a record never loses a value silently). */
function convert(value: unknown, type: ParquetColumnType): { cell: Cell } | { error: string } {
  if (value === undefined || value === null) return { cell: null };
  switch (type) {
    case 'STRING':
      if (typeof value === 'string' && !value.isWellFormed()) return { error: 'holds a lone UTF-16 surrogate, which UTF-8 (Parquet) cannot hold: it would be written as U+FFFD' };
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? { cell: String(value) } : { error: 'not a string' };
    case 'DOUBLE':
      return typeof value === 'number' ? { cell: value } : { error: 'not a number' };
    case 'INT64':
      return typeof value === 'number' && Number.isSafeInteger(value) ? { cell: BigInt(value) } : { error: 'not an integer' };
    case 'BOOLEAN':
      return typeof value === 'boolean' ? { cell: value } : { error: 'not a boolean' };
    case 'TIMESTAMP':
      return timestampOf(value);
    case 'JSON': {
      const proto = protoFieldPath(value, '');
      return proto ? { error: `holds a field named __proto__ (${proto}), which the Parquet writer drops` } : { cell: value as Cell };
    }
  }
}

/**
 * One Parquet file (Snappy) of the declared columns. A record with a value that does not fit its column
 * is left out and reported, to be backed up with the reason, rather than written with the value lost.
 */
export function encodeParquet(records: Rec[], columns: Record<string, ParquetColumnType>): { body: Uint8Array; rejected: Map<string, RecordError> } {
  const names = Object.keys(columns);
  const data: Cell[][] = names.map(() => []);
  const rejected = new Map<string, RecordError>();
  for (const record of records) {
    const cells: Cell[] = [];
    const problems: string[] = [];
    names.forEach((name) => {
      const converted = convert(valueAt(record.data, name), columns[name]!);
      if ('error' in converted) problems.push(`${name}: ${converted.error}`);
      else cells.push(converted.cell);
    });
    if (problems.length > 0) {
      rejected.set(record.id, { code: 'ParquetColumnMismatch', message: problems.join('; '), retryable: false });
      continue;
    }
    cells.forEach((cell, i) => data[i]!.push(cell));
  }
  const buffer = parquetWriteBuffer({
    columnData: names.map((name, i) => ({ name, data: data[i]!, type: columns[name]! })),
    codec: 'SNAPPY',
    createdBy: 'sluice',
  });
  return { body: new Uint8Array(buffer), rejected };
}
