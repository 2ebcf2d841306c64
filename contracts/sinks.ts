/** The attribute a DynamoDB sink keys its items by, and the field enrich writes the record id to. */
export const KEY_ATTRIBUTE = 'record_id';

/** What every key a lake sink writes starts with: its prefix and a slash, or nothing (a prefix of "" or "/"). */
export function lakeKeyPrefix(prefix: string): string {
  const base = prefix.replace(/\/+$/, '');
  return base ? `${base}/` : '';
}
