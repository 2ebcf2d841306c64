import { describe, expect, it } from 'vitest';
import { KEY_ATTRIBUTE } from '../../../../../contracts/sinks.ts';
import { encodeItem, MAX_ITEM_BYTES } from '../../../../../tasks/deliver/sinks/dynamodb/encoder.ts';
import { batches, BATCH_WRITE_LIMIT } from '../../../../../tasks/deliver/sinks/dynamodb/request-builder.ts';

const rec = (data: Record<string, unknown>) => ({ id: 'r-1', unit: 'u-1', data });

describe('DynamoDB encoder', () => {
  it('keys the item by the record id, whatever the data says its id is', () => {
    expect(encodeItem(rec({ a: 1, [KEY_ATTRIBUTE]: 'forged' }))).toStrictEqual({ item: { a: { N: '1' }, [KEY_ATTRIBUTE]: { S: 'r-1' } } });
  });

  it('writes each value by its JSON type', () => {
    const data = { s: '', n: -1.5, t: true, z: null, l: [1, 'a', [false], { k: null }], m: { nested: { deep: 'x' } }, gone: undefined };
    expect(encodeItem(rec(data))).toStrictEqual({
      item: {
        s: { S: '' },
        n: { N: '-1.5' },
        t: { BOOL: true },
        z: { NULL: true },
        l: { L: [{ N: '1' }, { S: 'a' }, { L: [{ BOOL: false }] }, { M: { k: { NULL: true } } }] },
        m: { M: { nested: { M: { deep: { S: 'x' } } } } },
        [KEY_ATTRIBUTE]: { S: 'r-1' },
      },
    });
  });

  it('refuses, for that record alone and for good, what DynamoDB cannot hold', () => {
    const tooLarge = encodeItem(rec({ blob: 'x'.repeat(MAX_ITEM_BYTES) }));
    expect(tooLarge).toMatchObject({ error: { code: 'DynamoDB.ItemTooLarge', retryable: false } });
    // beyond 2^53 the document client would have to round: it refuses, and so do we
    expect(encodeItem(rec({ big: 2 ** 60 }))).toMatchObject({ error: { code: 'DynamoDB.Unencodable', retryable: false } });
    // DynamoDB's bounds, per record rather than by a BatchWriteItem refused whole: 32 levels, numbers from 1e-130
    let deep: unknown = 'leaf';
    for (let i = 0; i < 32; i++) deep = { d: deep };
    expect(encodeItem(rec({ deep }))).toMatchObject({ error: { code: 'DynamoDB.Unencodable', message: expect.stringContaining('nested deeper than the 32 levels') } });
    expect(encodeItem(rec({ deep: (deep as { d: unknown }).d }))).toHaveProperty('item');
    let deeper: unknown = 'leaf';
    for (let i = 0; i < 20_000; i++) deeper = [deeper];
    expect(encodeItem(rec({ deeper }))).toMatchObject({ error: { code: 'DynamoDB.Unencodable' } });
    expect(encodeItem(rec({ tiny: 5e-324 }))).toMatchObject({ error: { code: 'DynamoDB.Unencodable', message: 'tiny: 5e-324 is smaller than the 1e-130 DynamoDB holds' } });
    expect(encodeItem(rec({ tiny: 1e-130, zero: -0 }))).toStrictEqual({ item: { tiny: { N: '1e-130' }, zero: { N: '0' }, [KEY_ATTRIBUTE]: { S: 'r-1' } } });
    // a key the document client drops without a word would be a value lost
    const proto = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as Record<string, unknown>;
    expect(encodeItem(rec(proto))).toMatchObject({ error: { code: 'DynamoDB.Unencodable', message: expect.stringContaining('__proto__') } });
  });

  it('refuses a __proto__ field at any depth, which the document client would write wrong (measured: stored as other fields, counted delivered)', () => {
    for (const [text, path] of [
      ['{"payload":{"a":1,"__proto__":{"M":{"S":"x"}}}}', 'payload.__proto__'],
      ['{"list":[1,{"__proto__":{"note":"n"}}]}', 'list[1].__proto__'],
    ] as const) {
      expect(encodeItem(rec(JSON.parse(text) as Record<string, unknown>))).toStrictEqual({ error: { code: 'DynamoDB.Unencodable', message: `a field the DynamoDB sink cannot write: ${path}`, retryable: false } });
    }
    // the text in a value, or in a longer key, is no such field
    expect(encodeItem(rec({ note: '"__proto__":{}', 'x__proto__': 1 }))).toHaveProperty('item');
  });

  it('writes a field named constructor as the field it is, whatever it holds (the document client took a type from its name)', () => {
    const data = JSON.parse('{"constructor":"c","payload":{"constructor":{"prototype":{"a":1}}},"details":{"constructor":{"name":"String"},"card":"visa"},"blob":{"constructor":{"name":"Uint8Array"},"length":1}}') as Record<string, unknown>;
    const named = (name: string) => ({ M: { constructor: { M: { name: { S: name } } } } });
    // as text: the matchers' own equality compares values' constructors, which these fields shadow
    expect(JSON.stringify(encodeItem(rec(data)))).toBe(JSON.stringify({
      item: {
        constructor: { S: 'c' },
        payload: { M: { constructor: { M: { prototype: { M: { a: { N: '1' } } } } } } },
        details: { M: { ...named('String').M, card: { S: 'visa' } } },
        blob: { M: { ...named('Uint8Array').M, length: { N: '1' } } },
        [KEY_ATTRIBUTE]: { S: 'r-1' },
      },
    }));
  });

  it('an item just under the limit passes', () => {
    const item = encodeItem(rec({ blob: 'x'.repeat(MAX_ITEM_BYTES - 100) }));
    expect(item).toHaveProperty('item');
  });
});

describe('BatchWriteItem requests', () => {
  it('at most 25 per request, in order, none lost', () => {
    expect(BATCH_WRITE_LIMIT).toBe(25);
    const items = Array.from({ length: 61 }, (_, i) => i);
    const cut = batches(items);
    expect(cut.map((batch) => batch.length)).toStrictEqual([25, 25, 11]);
    expect(cut.flat()).toStrictEqual(items);
    expect(batches([])).toStrictEqual([]);
  });
});
