/** DynamoDB takes at most 25 requests per BatchWriteItem. */
export const BATCH_WRITE_LIMIT = 25;

export function batches<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_LIMIT) out.push(items.slice(i, i + BATCH_WRITE_LIMIT));
  return out;
}
