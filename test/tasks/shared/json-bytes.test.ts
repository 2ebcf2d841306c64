import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../../tasks/shared/json-bytes.ts';

/** What JSON.stringify does with `value`: its UTF-8 length, or the error it throws. */
function stringified(value: unknown): number | string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 0 : Buffer.byteLength(text);
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

function measured(value: unknown): number | string {
  try {
    return jsonBytes(value);
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

describe('jsonBytes', () => {
  it('is the UTF-8 length of JSON.stringify, for whatever value', () => {
    const anything = fc.anything({
      maxDepth: 4,
      withBoxedValues: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withObjectString: true,
      withSparseArray: true,
      withTypedArray: true,
      withBigInt: true,
      withUnicodeString: true,
    });
    fc.assert(
      fc.property(anything, (value) => {
        expect(measured(value)).toBe(stringified(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('with a limit, is that length up to the limit, and past it some length over the limit', () => {
    const values = fc.oneof(fc.anything({ maxDepth: 4, withUnicodeString: true, withNullPrototype: true }), fc.array(fc.record({ id: fc.string(), data: fc.dictionary(fc.string(), fc.jsonValue()) }), { maxLength: 30 }));
    fc.assert(
      fc.property(values, fc.nat(2_000), (value, limit) => {
        const exact = Buffer.byteLength(JSON.stringify(value) ?? '');
        const bounded = jsonBytes(value, limit);
        if (exact <= limit) expect(bounded).toBe(exact);
        else expect(bounded).toBeGreaterThan(limit);
      }),
      { numRuns: 3000 },
    );
    // a body of 10,000 records over a limit of 1,000 bytes: the walk stops within its first records
    const records = Array.from({ length: 10_000 }, (_, i) => ({ id: `r${i}`, data: { n: i } }));
    expect(jsonBytes({ records }, 1000)).toBeLessThan(1100);
    expect(jsonBytes({ records })).toBe(Buffer.byteLength(JSON.stringify({ records })));
  });

  it('is that length for a body of records, with what JSON leaves out or writes as null', () => {
    const body = {
      records: [{ id: 'r1', data: { message: 'é中😀', n: 1e21, skipped: undefined } }, undefined, () => 1, { id: 'r2', data: { at: new Date(0), lone: '\ud800' } }],
      quarantined: [],
      outputs: {},
      dropped: undefined,
      hidden: Symbol('not written'),
      owned: { toJSON: () => ({ as: 'something else' }) },
      boxed: new String('text'),
    };
    expect(jsonBytes(body)).toBe(Buffer.byteLength(JSON.stringify(body)));
    // toJSON is called with the key it is written under, and what it returns decides whether the field is there
    const keyed = { toJSON: (key: string) => `as ${key}` };
    const gone = { toJSON: () => undefined };
    const rawJSON = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;
    for (const value of [[keyed, keyed], { field: keyed }, [gone], { a: gone, b: 1 }, { a: { b: { c: gone } } }, Object.setPrototypeOf(new String('abc'), Object.prototype), ...(rawJSON ? [{ a: rawJSON('123456') }, [rawJSON('"é"')]] : [])]) {
      expect(jsonBytes(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
    }
    expect(jsonBytes([])).toBe(2);
    expect(jsonBytes({ only: undefined })).toBe(2);
  });
});
