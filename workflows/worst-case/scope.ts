/**
 * The state graph of one scope (a definition, or a Parallel branch) as the duration analysis reads it:
 * which states there are, where each can go, and which Choice rules bound the time or a wait. A
 * definition that is not well formed is answered with `Malformed`, never with a crash.
 */
export type State = Record<string, unknown>;

export interface Scope {
  startAt: string;
  states: Record<string, State>;
}

export interface Edge {
  from: string;
  to: string;
  kind: 'Next' | 'Default' | 'Choice' | 'Catch';
  /** The Choice rule behind a `Choice` edge. */
  rule?: State;
  /** An elapsed-time guard on the rule: the edge is never taken at or after this many seconds. */
  cap?: number;
}

export class Malformed extends Error {
  constructor(
    readonly state: string,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (value: unknown): value is State => typeof value === 'object' && value !== null && !Array.isArray(value);

export function readScope(definition: unknown, where: string): Scope {
  if (!isObject(definition)) throw new Malformed(where, 'the definition is not an object');
  const { StartAt: startAt, States: states } = definition;
  if (!isObject(states)) throw new Malformed(where, 'States is not an object');
  if (typeof startAt !== 'string' || !(startAt in states)) throw new Malformed(where, `StartAt ${JSON.stringify(startAt)} names no state`);
  for (const [name, state] of Object.entries(states)) if (!isObject(state)) throw new Malformed(name, 'the state is not an object');
  return { startAt, states: states as Record<string, State> };
}

export const isTerminal = (state: State): boolean => state.End === true || state.Type === 'Succeed' || state.Type === 'Fail';

/**
 * The comparisons a rule requires: itself, or the conjuncts of an `And` (nested `And`s flattened).
 * Only what must hold can bound anything; an `Or` or a `Not` bounds nothing.
 */
function conjuncts(rule: State): State[] {
  if (Array.isArray(rule.And)) return rule.And.filter(isObject).flatMap(conjuncts);
  return typeof rule.Variable === 'string' ? [rule] : [];
}

/** The smallest N of `Variable < N` or `Variable <= N` the rule requires, for a variable the test accepts. */
function upperBound(rule: State, accepts: (variable: string) => boolean): number | undefined {
  let bound: number | undefined;
  for (const comparison of conjuncts(rule)) {
    if (!accepts(comparison.Variable as string)) continue;
    for (const operator of ['NumericLessThan', 'NumericLessThanEquals']) {
      const n = comparison[operator];
      if (typeof n === 'number' && Number.isFinite(n)) bound = Math.min(bound ?? n, n);
    }
  }
  return bound;
}

/** The variable is seconds since `$$.Execution.StartTime`, measured by the task that set it as it returned. */
const ELAPSED = /(?:\.|\[['"])elapsedSeconds(?:['"]\])?$/;

export const elapsedCap = (rule: State): number | undefined => upperBound(rule, (variable) => ELAPSED.test(variable));

export const pathBound = (rule: State, path: string): number | undefined => upperBound(rule, (variable) => variable === path);

function target(from: string, next: unknown, field: string, states: Record<string, State>): string {
  if (typeof next !== 'string') throw new Malformed(from, `${field} is not a state name`);
  if (!(next in states)) throw new Malformed(from, `${field} "${next}" names no state`);
  return next;
}

const TYPES = new Set(['Task', 'Pass', 'Wait', 'Choice', 'Parallel', 'Map', 'Succeed', 'Fail']);

export function edgesOf(name: string, scope: Scope): Edge[] {
  const state = scope.states[name]!;
  const { states } = scope;
  if (!TYPES.has(state.Type as string)) throw new Malformed(name, `unknown Type ${JSON.stringify(state.Type)}`);
  const edges: Edge[] = [];
  if (state.Type === 'Choice') {
    if (!Array.isArray(state.Choices) || state.Choices.length === 0) throw new Malformed(name, 'Choices is not a non-empty list');
    state.Choices.forEach((rule: unknown, i) => {
      if (!isObject(rule)) throw new Malformed(name, `Choices[${i}] is not an object`);
      edges.push({ from: name, to: target(name, rule.Next, `Choices[${i}].Next`, states), kind: 'Choice', rule, cap: elapsedCap(rule) });
    });
    if (state.Default !== undefined) edges.push({ from: name, to: target(name, state.Default, 'Default', states), kind: 'Default' });
  } else if (!isTerminal(state)) {
    edges.push({ from: name, to: target(name, state.Next, 'Next (or End)', states), kind: 'Next' });
  }
  if (state.Catch !== undefined) {
    if (!Array.isArray(state.Catch)) throw new Malformed(name, 'Catch is not a list');
    state.Catch.forEach((catcher: unknown, i) => {
      if (!isObject(catcher)) throw new Malformed(name, `Catch[${i}] is not an object`);
      edges.push({ from: name, to: target(name, catcher.Next, `Catch[${i}].Next`, states), kind: 'Catch' });
    });
  }
  return edges;
}
