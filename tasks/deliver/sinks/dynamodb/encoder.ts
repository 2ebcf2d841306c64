import { marshall } from '@aws-sdk/util-dynamodb';
import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import { KEY_ATTRIBUTE } from '../../../../contracts/sinks.ts';

/** DynamoDB refuses items over 400 KB (names and values counted together). */
export const MAX_ITEM_BYTES = 400_000;

/** The item of a record: its data, keyed by its id (written again by a retry, never a second item). */
export const itemOf = (record: Rec): Record<string, unknown> => ({ ...record.data, [KEY_ATTRIBUTE]: record.id });

/**
 * Checks that DynamoDB can hold a record before any request is made, so that a value it cannot take
 * (a number beyond 2^53, which the document client refuses to round, or an item over 400 KB) fails
 * that record alone and for good, never the 24 others of its BatchWriteItem.
 */
export function encodeItem(record: Rec): { item: Record<string, unknown> } | { error: RecordError } {
  const item = itemOf(record);
  try {
    const marshalled = marshall(item, { removeUndefinedValues: true });
    // the document client drops some keys (a top-level `__proto__`) without a word: that would be a value lost
    const lost = Object.keys(item).filter((key) => item[key] !== undefined && !Object.hasOwn(marshalled, key));
    if (lost.length > 0) return { error: { code: 'DynamoDB.Unencodable', message: `fields the DynamoDB document client cannot write: ${lost.join(', ')}`, retryable: false } };
  } catch (error) {
    return { error: { code: 'DynamoDB.Unencodable', message: (error as Error).message, retryable: false } };
  }
  const bytes = Buffer.byteLength(JSON.stringify(item));
  if (bytes > MAX_ITEM_BYTES) {
    return { error: { code: 'DynamoDB.ItemTooLarge', message: `the item is about ${bytes} bytes, over DynamoDB's ${MAX_ITEM_BYTES}`, retryable: false } };
  }
  return { item };
}
