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

/** A state's Assign blocks (JSONPath `<key>.$` values among them): its own, its Choice rules' and its catchers'. */
export function assignBlocks(state: Record<string, unknown>): { at: string; value: unknown }[] {
  const within = (field: 'Choices' | 'Catch') => (Array.isArray(state[field]) ? (state[field] as { Assign?: unknown }[]) : []).map((entry, i) => ({ at: `${field}[${i}].Assign`, value: entry?.Assign }));
  return [{ at: 'Assign', value: state.Assign }, ...within('Choices'), ...within('Catch')].filter((block) => block.value !== undefined);
}

/** A value a template fills in when it deploys (`\${Deadline}` of DefinitionSubstitutions, a `Ref` or `Fn::…`): not the rules' to judge. */
export const templateToken = (value: unknown): boolean =>
  (typeof value === 'string' && value.includes('${')) ||
  (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && /^(Ref|Fn::)/.test(Object.keys(value)[0]!));
