import { ErrorName, LambdaTransientErrors, States } from '../contracts/errors.ts';
import type { Catcher, Retrier } from './asl/types.ts';

/**
 * Whole-call failures that may pass: sluice's own transient error, the Lambda service's, and timeouts.
 * One retry, after a jittered second: each Task's worst case (two attempts) has to fit, with every other
 * step's, inside the Express limit (`sluice validate` adds them up). Longer outages of a sink are the
 * redelivery loop's, which retries by time; errors not listed (a contract violation, an accounting
 * mismatch) are never retried.
 */
export const transientRetry: Retrier[] = [
  {
    ErrorEquals: [ErrorName.Transient, ...LambdaTransientErrors, States.Timeout],
    IntervalSeconds: 1,
    MaxAttempts: 1,
    BackoffRate: 2,
    MaxDelaySeconds: 4,
    JitterStrategy: 'FULL',
  },
];

/**
 * Anything a task still throws after its retries sends the execution to `next` (a backup of the input), the
 * error as the state (or, with `resultPath`, beside the state's input there).
 */
export const catchAll = (next: string, resultPath?: string): Catcher[] => [{ ErrorEquals: [States.ALL], Next: next, ...(resultPath ? { ResultPath: resultPath } : {}) }];
