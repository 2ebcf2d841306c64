import type { AslState } from '../workflows/asl/types.ts';

/** A state anywhere in a definition: top level, a Map's processor or a Parallel's branch. */
export interface Located {
  name: string;
  state: AslState;
}

/** Every state of a definition, nested ones included; whatever is not a state object is skipped. */
export function allStates(definition: Record<string, unknown>): Located[] {
  const out: Located[] = [];
  const visit = (states: unknown) => {
    if (typeof states !== 'object' || states === null) return;
    for (const [name, state] of Object.entries(states as Record<string, unknown>)) {
      if (typeof state !== 'object' || state === null || Array.isArray(state)) continue;
      const s = state as AslState;
      out.push({ name, state: s });
      const processor = (s.ItemProcessor ?? s.Iterator) as { States?: unknown } | undefined;
      if (typeof processor === 'object' && processor !== null) visit(processor.States);
      if (Array.isArray(s.Branches)) for (const branch of s.Branches as { States?: unknown }[]) visit(branch?.States);
    }
  };
  visit(definition.States);
  return out;
}
