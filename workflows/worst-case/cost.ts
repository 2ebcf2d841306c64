/**
 * What one state costs, from entering it to leaving it for good (all attempts and the waits between
 * them), or why that has no bound. Time spent in transitions and in the service itself is left out:
 * it is milliseconds against limits of minutes.
 */
import { Malformed, pathBound, type Edge, type State } from './scope.ts';

export interface Cause {
  state: string;
  reason: string;
  /** The definition is not well formed, so nothing can be said. */
  malformed?: boolean;
}

/** A Parallel branch's worst case, measured from entering the Parallel. */
export type BranchWorst = (branch: unknown, parallel: string) => number | Cause[];

export const NO_TIMEOUT = 'no TimeoutSeconds: a task that hangs runs into the execution timeout, which no Catch sees';
export const DYNAMIC_WAIT = 'Wait reads its time from the input with no bound';

function number(state: string, field: string, value: unknown, fallback: number, least: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= least)) throw new Malformed(state, `${field} is not a number of at least ${least}`);
  return value;
}

/** Σ_{i<n} min(interval × rate^i, maxDelay), without walking the attempts one by one once the delay is flat. */
export function backoffSeconds(n: number, interval: number, rate: number, maxDelay: number): number {
  if (rate <= 1) return n * Math.min(interval, maxDelay);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const delay = interval * rate ** i;
    if (delay >= maxDelay) return total + (n - i) * maxDelay;
    total += delay;
    if (!Number.isFinite(total)) return Infinity;
  }
  return total;
}

/** Every retrier can run out in turn (one error kind after another), so their attempts add up. */
function withRetries(name: string, state: State, attempt: number): number {
  if (state.Retry === undefined) return attempt;
  if (!Array.isArray(state.Retry)) throw new Malformed(name, 'Retry is not a list');
  let attempts = 1;
  let waits = 0;
  state.Retry.forEach((retrier: Record<string, unknown>, i) => {
    if (typeof retrier !== 'object' || retrier === null) throw new Malformed(name, `Retry[${i}] is not an object`);
    const at = (field: string) => `Retry[${i}].${field}`;
    const n = number(name, at('MaxAttempts'), retrier.MaxAttempts, 3, 0);
    const interval = number(name, at('IntervalSeconds'), retrier.IntervalSeconds, 1, 0);
    const rate = number(name, at('BackoffRate'), retrier.BackoffRate, 2, 0);
    const maxDelay = number(name, at('MaxDelaySeconds'), retrier.MaxDelaySeconds, Infinity, 0);
    attempts += n;
    // FULL jitter draws each wait between 0 and the computed delay: it only ever shortens it
    waits += backoffSeconds(n, interval, rate, maxDelay);
  });
  return attempts * attempt + waits;
}

function waitCost(name: string, state: State, incoming: Edge[], isStart: boolean, states: Record<string, State>): number | Cause {
  // a string here is a JSONata expression: read from the input like a SecondsPath, but nothing guards it
  if (typeof state.Seconds === 'string') return { state: name, reason: DYNAMIC_WAIT };
  if (state.Seconds !== undefined) return number(name, 'Seconds', state.Seconds, 0, 0);
  if (state.Timestamp !== undefined) return { state: name, reason: 'Wait until a Timestamp has no bound from the execution start' };
  const path = state.SecondsPath;
  if (typeof path !== 'string' || isStart) return { state: name, reason: DYNAMIC_WAIT };
  let worst = 0;
  for (const edge of incoming) {
    // the rule reads the Choice's input; the Wait gets it unchanged only when the Choice has no OutputPath
    const output = states[edge.from]!.OutputPath;
    const bound = edge.kind === 'Choice' && (output === undefined || output === '$') ? pathBound(edge.rule!, path) : undefined;
    if (bound === undefined) return { state: name, reason: DYNAMIC_WAIT };
    worst = Math.max(worst, bound);
  }
  return worst;
}

function mapCause(name: string, state: State): Cause {
  const concurrency = state.MaxConcurrency;
  const limit = typeof concurrency === 'number' && concurrency > 0 ? `at most MaxConcurrency ${concurrency} at a time` : 'no MaxConcurrency limit';
  return { state: name, reason: `Map over a list of unknown length: ${limit}, but any number of items` };
}

/** The state's cost in seconds, or why it has none; `incoming` are the reachable edges into it. */
export function stateCost(name: string, states: Record<string, State>, incoming: Edge[], isStart: boolean, branchWorst: BranchWorst): number | Cause[] {
  const state = states[name]!;
  let attempt: number;
  switch (state.Type) {
    case 'Pass':
    case 'Choice':
    case 'Succeed':
    case 'Fail':
      return 0;
    case 'Wait': {
      const cost = waitCost(name, state, incoming, isStart, states);
      return typeof cost === 'number' ? cost : [cost];
    }
    case 'Map':
      return [mapCause(name, state)];
    case 'Task':
      if (state.TimeoutSecondsPath !== undefined) return [{ state: name, reason: `TimeoutSecondsPath reads the timeout from the input with no bound; ${NO_TIMEOUT}` }];
      if (state.TimeoutSeconds === undefined) return [{ state: name, reason: NO_TIMEOUT }];
      if (typeof state.TimeoutSeconds === 'string') return [{ state: name, reason: `TimeoutSeconds is an expression with no bound; ${NO_TIMEOUT}` }];
      attempt = number(name, 'TimeoutSeconds', state.TimeoutSeconds, 0, 1);
      break;
    case 'Parallel': {
      if (!Array.isArray(state.Branches) || state.Branches.length === 0) throw new Malformed(name, 'Branches is not a non-empty list');
      const branches = state.Branches.map((branch: unknown) => branchWorst(branch, name));
      const causes = branches.filter((branch) => typeof branch !== 'number');
      if (causes.length > 0) return causes.flat();
      attempt = Math.max(...(branches as number[]));
      break;
    }
    default:
      throw new Malformed(name, `unknown Type ${JSON.stringify(state.Type)}`);
  }
  const total = withRetries(name, state, attempt);
  return Number.isFinite(total) ? total : [{ state: name, reason: 'Retry waits grow without bound: a retrier with BackoffRate above 1 needs a MaxDelaySeconds' }];
}
