import { marshall } from '@aws-sdk/util-dynamodb';
import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import { KEY_ATTRIBUTE } from '../../../../contracts/sinks.ts';
import { MARSHALL_OPTIONS } from '../../../shared/context.ts';

/** DynamoDB refuses items over 400 KB (names and values counted together). */
export const MAX_ITEM_BYTES = 400_000;

/** The item of a record: its data, keyed by its id (written again by a retry, never a second item). */
export const itemOf = (record: Rec): Record<string, unknown> => ({ ...record.data, [KEY_ATTRIBUTE]: record.id });

/**
 * Where a `__proto__` field sits in a value (a path such as `payload.__proto__`), if anywhere. JSON.parse
 * makes it an own field, but the document client's marshall assigns fields one by one, and an assignment
 * to `__proto__` sets the map's prototype instead: the field vanishes, or, nested, its fields are written
 * in its parent's place (measured: `{"payload":{"__proto__":{"M":{"S":"x"}}}}` was stored as
 * `{"payload":{"M":{"M":""}}}` and counted delivered).
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

/**
 * Checks that DynamoDB can hold a record before any request is made, so that a value it cannot take
 * (a number beyond 2^53, which the document client refuses to round, a `__proto__` field it would write
 * wrong, or an item over 400 KB) fails that record alone and for good, never the 24 others of its
 * BatchWriteItem.
 */
export function encodeItem(record: Rec): { item: Record<string, unknown> } | { error: RecordError } {
  const item = itemOf(record);
  const json = JSON.stringify(item);
  // only a key is written `"__proto__":` (in a string value the quotes are escaped): the walk runs for those items alone
  const proto = json.includes('"__proto__":') ? protoFieldPath(item, '') : undefined;
  if (proto) return { error: { code: 'DynamoDB.Unencodable', message: `a field the DynamoDB document client cannot write: ${proto}`, retryable: false } };
  try {
    marshall(item, MARSHALL_OPTIONS);
  } catch (error) {
    return { error: { code: 'DynamoDB.Unencodable', message: (error as Error).message, retryable: false } };
  }
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_ITEM_BYTES) {
    return { error: { code: 'DynamoDB.ItemTooLarge', message: `the item is about ${bytes} bytes, over DynamoDB's ${MAX_ITEM_BYTES}`, retryable: false } };
  }
  return { item };
}
