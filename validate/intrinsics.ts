/** The intrinsic functions of the States Language (JSONPath), as AWS documents them. */
export const INTRINSICS = new Set([
  'States.Format', 'States.StringToJson', 'States.JsonToString', 'States.Array', 'States.ArrayPartition', 'States.ArrayContains',
  'States.ArrayRange', 'States.ArrayGetItem', 'States.ArrayLength', 'States.ArrayUnique', 'States.Base64Encode', 'States.Base64Decode',
  'States.Hash', 'States.JsonMerge', 'States.MathRandom', 'States.MathAdd', 'States.StringSplit', 'States.UUID',
]);

/** Walks the payload templates of a state (Parameters, ItemSelector, ResultSelector, …) with each key and string value. */
export function templateEntries(value: unknown, at: string, into: { at: string; key: string; value: string }[] = []): { at: string; key: string; value: string }[] {
  if (Array.isArray(value)) value.forEach((item, i) => templateEntries(item, `${at}[${i}]`, into));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string') into.push({ at, key, value: item });
      else templateEntries(item, `${at}.${key}`, into);
    }
  }
  return into;
}
