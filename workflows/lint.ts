import { PLACEHOLDERS } from './resources.ts';
import type { AslState } from './asl/types.ts';
import type { LintProblem } from './worst-case.ts';

export type { LintProblem };

/** Names a console user can read: start with a capital letter, words and light punctuation, at most 80. */
const READABLE = /^[A-Z][A-Za-z0-9 ,.'()?/-]{2,79}$/;

/** What the local engine lacks and sluice therefore forbids, by field. */
const FORBIDDEN_FIELDS: Record<string, string> = {
  QueryLanguage: 'JSONata is not supported: sluice workflows are JSONPath only',
  Arguments: 'Arguments is JSONata: use Parameters',
  Output: 'Output is JSONata: use OutputPath/ResultSelector',
  Assign: 'Assign (workflow variables) is not supported: pass data in the state',
  ItemReader: 'Distributed Map is not supported: use an inline Map over chunk references',
  ItemBatcher: 'Distributed Map is not supported: use an inline Map over chunk references',
  ResultWriter: 'Distributed Map is not supported: use an inline Map over chunk references',
};

interface Walked {
  name: string;
  state: AslState;
  /** Whether an enclosing Map catches what this state throws. */
  caughtAbove: boolean;
}

function walk(states: Record<string, AslState>, caughtAbove: boolean, into: Walked[]): Walked[] {
  for (const [name, state] of Object.entries(states)) {
    into.push({ name, state, caughtAbove });
    const processor = (state.ItemProcessor ?? state.Iterator) as { States?: Record<string, AslState> } | undefined;
    const catches = Array.isArray(state.Catch) && state.Catch.length > 0;
    if (processor?.States) walk(processor.States, caughtAbove || catches, into);
    for (const branch of (state.Branches as { States: Record<string, AslState> }[] | undefined) ?? []) walk(branch.States, caughtAbove || catches, into);
  }
  return into;
}

/** sluice's own rules, beyond the States Language: what the local engine runs and what operators need. */
export function sluiceRules(definition: Record<string, unknown>): LintProblem[] {
  const problems: LintProblem[] = [];
  if (definition.QueryLanguage !== undefined) problems.push({ state: '(top)', message: FORBIDDEN_FIELDS.QueryLanguage! });
  const states = (definition.States ?? {}) as Record<string, AslState>;
  const seen = new Set<string>();
  for (const { name, state, caughtAbove } of walk(states, false, [])) {
    const add = (message: string) => problems.push({ state: name, message });
    if (seen.has(name)) add('state name is used twice (names must be unique across the workflow, Map processors included)');
    seen.add(name);
    if (!READABLE.test(name)) add('state name should read well in the console: a capital letter first, words, at most 80 characters');
    for (const [field, why] of Object.entries(FORBIDDEN_FIELDS)) if (state[field] !== undefined) add(why);
    const mode = (state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined)?.ProcessorConfig?.Mode;
    if (mode === 'DISTRIBUTED') add('Distributed Map is not supported: use an inline Map over chunk references');
    const text = JSON.stringify(state);
    if (text.includes('{%')) add('JSONata expressions ({% … %}) are not supported: sluice workflows are JSONPath only');
    if (state.Type === 'Task') {
      // a Retry with MaxAttempts 0 retries nothing: it does not count
      const retries = Array.isArray(state.Retry) && (state.Retry as { MaxAttempts?: number }[]).some((retrier) => (retrier.MaxAttempts ?? 3) > 0);
      if (!retries) add('every Task needs a Retry for transient errors (MaxAttempts above 0)');
      const catches = Array.isArray(state.Catch) && state.Catch.length > 0;
      if (!catches && !caughtAbove) add('every Task needs a Catch (or an enclosing Map with one) so a failure backs up the input');
    }
    for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
      if (!PLACEHOLDERS.includes(match[1]!)) add(`unknown placeholder \${${match[1]}} (known: ${PLACEHOLDERS.join(', ')})`);
    }
  }
  return problems;
}
