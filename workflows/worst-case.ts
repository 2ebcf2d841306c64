/**
 * The worst-case duration of a States Language (JSONPath) definition, read from its structure alone.
 *
 * Why: an Express execution is stopped at 300 s, and that timeout is seen by no Catch: no backup, no
 * ledger row written by the workflow. So every way through a workflow has to end well inside it, and
 * `sluice validate` proves it here, before anything runs.
 *
 * The model. For every state, the latest time (seconds from the start) it can be left, as a longest path
 * over Next, Default, Choices[].Next and Catch[].Next; the worst case is the latest of them (an execution
 * lasts at least until it leaves any state it reached), preferring End/Succeed/Fail states on a tie.
 * - Task: an attempt costs its TimeoutSeconds (without one it may hang until the execution timeout, so it
 *   is unbounded, as is TimeoutSecondsPath). Retriers may run out one after the other, so attempts are
 *   1 + Σ MaxAttempts (default 3) and the waits Σ min(IntervalSeconds × BackoffRate^i, MaxDelaySeconds)
 *   (defaults 1 and 2); jitter only shortens a wait. A Catch target is entered as late as the state ends.
 * - Parallel: its slowest branch (each analysed as a definition of its own), with Retry as for a Task.
 * - Wait: Seconds; SecondsPath only when every way in is a Choice rule that requires `SecondsPath <(=) N`
 *   (the Wait lasts at most N); Timestamp, TimestampPath and an unguarded SecondsPath are unbounded.
 * - Map: unbounded, inline or distributed: nothing in the definition bounds how many items it gets.
 * - Pass, Choice, Succeed, Fail: nothing. Transitions and service overhead are left out (milliseconds).
 * - Loops: a Choice rule that requires `…elapsedSeconds <(=) N` is an elapsed-time guard. elapsedSeconds is
 *   what a task measured since $$.Execution.StartTime as it returned, so that rule's Next is entered by N s
 *   at the latest. A loop that does not pass through such a guard is unbounded (found on the graph, so that
 *   a loop of zero-cost states counts too). The top-level TimeoutSeconds caps nothing: reaching it is the
 *   failure this check is for.
 * The relaxation only raises values. Guarded loops settle, but a lap at a time; when guards still grow
 * after (states + 2) rounds, the growing guard with the smallest bound is set to its bound (relax.ts).
 */
import { NO_TIMEOUT, type Cause } from './worst-case/cost.ts';
import { analyseScope, type Step } from './worst-case/relax.ts';
import { Malformed } from './worst-case/scope.ts';
import type { AslDefinition } from './asl/types.ts';

export interface LintProblem {
  state: string;
  message: string;
}

export type { Cause, Step };
export { NO_TIMEOUT };

export type WorstCase =
  | { seconds: number; path: string[]; steps: Step[] }
  | { unbounded: true; state: string; reason: string; causes: Cause[] };

/** An Express execution runs for at most five minutes. */
export const EXPRESS_LIMIT_SECONDS = 300;

export function worstCase(definition: AslDefinition | Record<string, unknown>): WorstCase {
  let causes: Cause[];
  try {
    const outcome = analyseScope(definition, '(top)');
    if (!('causes' in outcome)) return { seconds: outcome.seconds, path: outcome.steps.map((step) => step.state), steps: outcome.steps };
    causes = outcome.causes;
  } catch (error) {
    // anything else would be a defect here, but a validator must answer rather than crash
    const state = error instanceof Malformed ? error.state : '(definition)';
    causes = [{ state, reason: (error as Error).message, malformed: true }];
  }
  return { unbounded: true, state: causes[0]!.state, reason: causes[0]!.reason, causes };
}

/** `981.1 s`: tenths are enough to read against a limit of minutes. */
export const formatSeconds = (n: number) => `${Math.round(n * 10) / 10} s`;

function describe(step: Step): string {
  if (step.at === undefined) return step.state;
  if (step.note?.startsWith('elapsed')) return `${step.state} (${step.note})`;
  return `${step.state} (${formatSeconds(step.at)}${step.note ? `, ${step.note}` : ''})`;
}

/** `A (12 s) → B (40 s, caught) → C (55 s)`: each state with the latest time it is left. */
export const describePath = (steps: Step[]): string => steps.map(describe).join(' → ');

/** `A → … → Z` for a summary line. */
export function shortPath(path: string[]): string {
  return path.length <= 2 ? path.join(' → ') : `${path[0]} → … → ${path[path.length - 1]}`;
}

export function durationProblems(definition: AslDefinition | Record<string, unknown>, limitSeconds = EXPRESS_LIMIT_SECONDS): LintProblem[] {
  const worst = worstCase(definition);
  if ('unbounded' in worst) {
    return worst.causes.map((cause) => ({ state: cause.state, message: `worst case ${cause.malformed ? 'unknown' : 'unbounded'}: ${cause.reason}` }));
  }
  if (worst.seconds <= limitSeconds) return [];
  const last = worst.path[worst.path.length - 1]!;
  return [{ state: last, message: `can run ${formatSeconds(worst.seconds)}, over the ${limitSeconds} s Express limit: ${describePath(worst.steps)}` }];
}
