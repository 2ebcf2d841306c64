import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import { KEY_ATTRIBUTE } from '../../../../contracts/sinks.ts';

/** DynamoDB refuses items over 400 KB (names and values counted together). */
export const MAX_ITEM_BYTES = 400_000;

/** An item as DynamoDB's API takes it: attribute values. */
export type Item = Record<string, AttributeValue>;

/** The item of a record: its data, keyed by its id (written again by a retry, never a second item). */
const itemOf = (record: Rec): Record<string, unknown> => ({ ...record.data, [KEY_ATTRIBUTE]: record.id });

class Unencodable extends Error {}

/** DynamoDB holds attributes nested up to 32 levels deep (a top-level attribute is the first). */
const MAX_NESTING = 32;
/** The smallest magnitude of a DynamoDB number other than zero (the largest, 1e126, is beyond 2^53 already). */
const MIN_MAGNITUDE = 1e-130;

/**
 * A JSON value as a DynamoDB attribute value, by its JSON type alone: a string S, a number N, a boolean BOOL,
 * null NULL, an array L, an object M. Not the document client's marshall: it guesses a type from
 * `value.constructor.name`, which a JSON field named `constructor` sets (measured: `{"constructor":{"name":"String"},
 * "card":"visa"}` was stored as "[object Object]", and `{"name":"Uint8Array"}` made it throw for all 25 items of a
 * BatchWriteItem). A field left undefined is left out, as JSON leaves it out. Bounded: deeper than DynamoDB holds
 * is refused before the walk could exhaust the stack.
 */
function attributeOf(value: unknown, path: string, depth: number): AttributeValue {
  if (depth > MAX_NESTING) throw new Unencodable(`${path}: nested deeper than the ${MAX_NESTING} levels DynamoDB holds`);
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'boolean':
      return { BOOL: value };
    case 'number':
      // beyond 2^53 the document client that reads the item back refuses the number (it would round it)
      if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) throw new Unencodable(`${path}: ${value} is beyond 2^53 or not finite: the document client would not read it back`);
      if (value !== 0 && Math.abs(value) < MIN_MAGNITUDE) throw new Unencodable(`${path}: ${value} is smaller than the ${MIN_MAGNITUDE} DynamoDB holds`);
      return { N: String(value) };
    case 'object': {
      if (value === null) return { NULL: true };
      if (Array.isArray(value)) return { L: value.map((element, i) => (element === undefined ? { NULL: true } : attributeOf(element, `${path}[${i}]`, depth + 1))) };
      return { M: attributesOf(value as Record<string, unknown>, path, depth + 1) };
    }
    default:
      throw new Unencodable(`${path}: a ${typeof value} is no JSON value`);
  }
}

/** An object's fields as attribute values, each set as a data property of the map (Object.fromEntries). */
function attributesOf(value: Record<string, unknown>, path: string, depth: number): Item {
  return Object.fromEntries(
    Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .map((key) => {
        const at = path === '' ? key : `${path}.${key}`;
        // DynamoDB takes the name, but the local server (dynalite) loses it, and readers that build objects by assignment drop it
        if (key === '__proto__') throw new Unencodable(`a field the DynamoDB sink cannot write: ${at}`);
        return [key, attributeOf(value[key], at, depth)];
      }),
  );
}

/**
 * A record's item as DynamoDB's API takes it, checked before any request is made, so that a value it cannot
 * take (a number beyond 2^53, a `__proto__` field, nesting deeper than 32 levels, an item over 400 KB) fails that record alone and for good,
 * never the 24 others of its BatchWriteItem.
 */
export function encodeItem(record: Rec): { item: Item } | { error: RecordError } {
  const data = itemOf(record);
  let item: Item;
  try {
    item = attributesOf(data, '', 1);
  } catch (error) {
    if (!(error instanceof Unencodable)) throw error;
    return { error: { code: 'DynamoDB.Unencodable', message: error.message, retryable: false } };
  }
  const bytes = Buffer.byteLength(JSON.stringify(data));
  if (bytes > MAX_ITEM_BYTES) {
    return { error: { code: 'DynamoDB.ItemTooLarge', message: `the item is about ${bytes} bytes, over DynamoDB's ${MAX_ITEM_BYTES}`, retryable: false } };
  }
  return { item };
}
