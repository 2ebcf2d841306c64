import aslValidator from 'asl-validator';
import type { AslState } from '../workflows/asl/types.ts';
import type { Finding } from './finding.ts';
import { resolvePlaceholders } from './placeholders.ts';
import { allStates } from './states.ts';

const COMMON = ['Type', 'Comment', 'Next', 'End', 'InputPath', 'OutputPath', 'QueryLanguage', 'Assign', 'Output'];
const RESULT = ['ResultPath', 'ResultSelector', 'Retry', 'Catch', 'Parameters', 'Arguments'];
/** The fields each state type may have (JSONPath and JSONata), to say which one a schema error is about. */
const FIELDS: Record<string, string[]> = {
  Task: [...RESULT, 'Resource', 'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials'],
  Pass: ['Result', 'ResultPath', 'Parameters'],
  Choice: ['Choices', 'Default'],
  Wait: ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'],
  Succeed: [],
  Fail: ['Error', 'Cause', 'ErrorPath', 'CausePath'],
  Parallel: [...RESULT, 'Branches'],
  Map: [...RESULT, 'Iterator', 'ItemProcessor', 'ItemsPath', 'Items', 'ItemSelector', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'ToleratedFailureCount', 'ToleratedFailureCountPath', 'Label'],
};

/** The object at a JSON pointer (`/States/A/Iterator/States/B`). */
const at = (root: unknown, pointer: string): unknown =>
  pointer.split('/').slice(1).reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], root);

/** asl-validator's "must match exactly one schema in oneOf" about a state, in words: which type, which field. */
function explain(definition: unknown, pointer: string, message: string): string {
  const state = at(definition, pointer) as Record<string, unknown> | undefined;
  if (!/oneOf|anyOf/.test(message) || typeof state !== 'object' || state === null) return message;
  const type = String(state.Type);
  const allowed = FIELDS[type];
  if (!allowed) return `Type "${type}" is not a state type (${Object.keys(FIELDS).join(', ')})`;
  const unknown = Object.keys(state).filter((field) => !COMMON.includes(field) && !allowed.includes(field));
  if (unknown.length > 0) return `a ${type} state has no field ${unknown.join(', ')}`;
  if (state.Next === undefined && state.End === undefined && !['Choice', 'Succeed', 'Fail'].includes(type)) return `a ${type} state needs Next or "End": true`;
  return `this ${type} state does not match the States Language: check its fields' types and combinations (${message})`;
}

/** `{% expr%}` as `{% expr %}`: AWS takes JSONata without the inner spaces that asl-validator insists on. */
function jsonataSpaced(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/^\{%\s*([\s\S]*?)\s*%\}$/, '{% $1 %}');
  if (Array.isArray(value)) return value.map(jsonataSpaced);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonataSpaced(v)]));
  return value;
}

/** An entry of a States map that is not a state object (`"QueryLanguage": "JSONata"` put inside States): said plainly, before a schema check trips on it. */
function nonStates(definition: Record<string, unknown>, at = 'States'): Finding[] {
  const states = definition.States;
  if (typeof states !== 'object' || states === null || Array.isArray(states)) return [{ rule: 'asl-schema', severity: 'error', state: '(definition)', message: `${at} must be an object of states` }];
  return Object.entries(states).flatMap(([name, state]): Finding[] => {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      return [{ rule: 'asl-schema', severity: 'error', state: name, message: `${at}.${name} is ${JSON.stringify(state)}, not a state${name === 'QueryLanguage' || name === 'Comment' ? `: ${name} belongs beside StartAt and States, not inside States` : ''}` }];
    }
    const s = state as Record<string, unknown>;
    const nested = [(s.ItemProcessor ?? s.Iterator) as Record<string, unknown> | undefined, ...((s.Branches as Record<string, unknown>[] | undefined) ?? [])];
    return nested.filter((scope) => typeof scope === 'object' && scope !== null).flatMap((scope) => nonStates(scope!, `${name}…States`));
  });
}

/**
 * asl-validator's schema and reference checks, on the definition with its placeholders resolved, its
 * messages said in words that name the state and the field. JSONPath syntax is checked only in the
 * sluice profile: asl-validator's parser refuses paths AWS accepts.
 */
export function schemaFindings(definition: Record<string, unknown>, checkPaths: boolean): Finding[] {
  const notStates = nonStates(definition);
  if (notStates.length > 0) return notStates;
  const resolved = jsonataSpaced(resolvePlaceholders(definition));
  let result: ReturnType<typeof aslValidator>;
  try {
    result = aslValidator(structuredClone(resolved), { checkArn: true, checkPaths });
  } catch (error) {
    // asl-validator's own defect (it fails on a state named "Iterator", for one): say so, and let the other checks speak
    return [{ rule: 'asl-validator-failed', severity: 'warning', state: '(definition)', message: `asl-validator could not check this definition (${(error as Error).message}); sluice's rules ran` }];
  }
  return result.errors.map((error) => {
    const raw = error.Message ?? error.message ?? JSON.stringify(error);
    const pointer = (error as { schemaError?: { instancePath?: string } }).schemaError?.instancePath ?? /(\/States\/.+) is invalid/.exec(raw)?.[1] ?? '';
    const state = pointer ? stateAt(pointer) : (/^State (.+) is not reachable$/.exec(raw)?.[1] ?? referrer(definition, /target: (.+)$/.exec(raw)?.[1]) ?? '(definition)');
    return { rule: 'asl-schema', severity: 'error', state, message: pointer ? explain(resolved, pointer, raw) : raw };
  });
}

/** The state a JSON pointer is in (`/States/Decode records/Retry/0` is in "Decode records"; a name may hold spaces). */
function stateAt(pointer: string): string {
  const parts = pointer.split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = parts.lastIndexOf('States');
  return last >= 0 && parts[last + 1] !== undefined ? parts[last + 1]! : '(definition)';
}

/** The first state whose Next, Default, a Choice's or a Catch's Next names `target` (StartAt's is the top). */
function referrer(definition: Record<string, unknown>, target: string | undefined): string | undefined {
  if (target === undefined) return undefined;
  if (definition.StartAt === target) return '(top)';
  const names = (state: AslState) => [state.Next, state.Default, ...[...((state.Choices as { Next?: unknown }[] | undefined) ?? []), ...((state.Catch as { Next?: unknown }[] | undefined) ?? [])].map((entry) => entry?.Next)];
  return allStates(definition).find(({ state }) => names(state).includes(target))?.name;
}
