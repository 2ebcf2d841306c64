/** How deep objects are walked; below that, and for each element of an array, a value is serialised whole. */
const WALKED_DEPTH = 8;

/** A value whose toJSON JSON.stringify calls, with the key it is written under. */
const hasToJSON = (value: unknown): boolean =>
  value !== null && (typeof value === 'object' || typeof value === 'function' || typeof value === 'bigint') && typeof (value as { toJSON?: unknown }).toJSON === 'function';

/** Node 22 has JSON.rawJSON; TypeScript's lib does not name it yet. */
const isRawJSON = (JSON as { isRawJSON?: (value: unknown) => boolean }).isRawJSON ?? (() => false);

const omitted = (value: unknown) => value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** A value JSON writes as its fields: an array, or an ordinary object (not a boxed value, not raw JSON). */
function kind(value: unknown): 'array' | 'object' | undefined {
  if (typeof value !== 'object' || value === null || hasToJSON(value)) return undefined;
  if (Array.isArray(value)) return 'array';
  if (isRawJSON(value) || Object.prototype.toString.call(value) !== '[object Object]') return undefined;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null ? 'object' : undefined;
}

const serialised = (value: unknown): number => {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : Buffer.byteLength(text);
};

/**
 * The bytes of `value` written under `key` (an array's index, an object's field), or undefined when JSON
 * leaves it out. A toJSON is called with that key, as JSON.stringify calls it: the value is serialised as
 * the one field of an object, less the key's bytes and `{":}`.
 */
function underKey(key: string | number, value: unknown, bytes: (value: unknown) => number): number | undefined {
  if (hasToJSON(value)) {
    const text = JSON.stringify({ [key]: value });
    return text === '{}' ? undefined : Buffer.byteLength(text) - Buffer.byteLength(JSON.stringify(String(key))) - 3;
  }
  return omitted(value) ? undefined : bytes(value);
}

/** The walk of jsonBytes: it gives up, with what it has counted, once that is over `budget`. */
function measure(value: unknown, depth: number, budget: number): number {
  const shape = kind(value);
  if (shape === 'array') {
    // [a,b]: each element and its comma or the closing bracket; what JSON leaves out of an array is written as null
    const array = value as unknown[];
    let bytes = 1;
    for (let i = 0; i < array.length && bytes <= budget; i++) bytes += (underKey(i, array[i], serialised) ?? 4) + 1;
    return array.length === 0 ? 2 : bytes;
  }
  if (shape === undefined || depth >= WALKED_DEPTH) return serialised(value);
  // {"k":v}: each field's key, colon, value and its comma or the closing brace
  let bytes = 1;
  let fields = 0;
  // one closure per object: it reads `bytes` as it stands when a field is measured
  const below = (field: unknown) => measure(field, depth + 1, budget - bytes);
  for (const key of Object.keys(value as object)) {
    if (bytes > budget) break;
    const field = underKey(key, (value as Record<string, unknown>)[key], below);
    if (field === undefined) continue;
    fields++;
    bytes += Buffer.byteLength(JSON.stringify(key)) + field + 2;
  }
  return fields === 0 ? 2 : bytes;
}

/**
 * The UTF-8 length of `JSON.stringify(value)`, without the string: objects are walked field by field and
 * each element of an array is serialised on its own (a batch's record, a Pipes record), so no string of
 * megabytes is made and dropped. Whether a task's output goes by claim check, or a state is over AWS's
 * payload limit, needs no more: on AWS a claim-checked body is written when it goes to S3; the local
 * engine keeps the value and never needs the text. Each field is read once (a toJSON twice). Anything but
 * plain objects and arrays (a Date, a toJSON, a boxed value, raw JSON) is serialised whole.
 *
 * With `limit`, the length when it is at most `limit`; past it, some length over `limit`, found without
 * walking the rest (a chunk's body of megabytes is over a claim-check threshold of 200 KB after its first
 * records: sized whole at each boundary, it took a seventh of the s3 workflow's CPU).
 */
export function jsonBytes(value: unknown, limit = Infinity): number {
  return measure(value, 0, limit);
}
