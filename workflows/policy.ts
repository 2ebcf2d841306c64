import { ErrorName, LambdaTransientErrors } from '../contracts/errors.ts';
import type { Catcher, Retrier } from './asl/types.ts';

/**
 * Whole-call failures that may pass: sluice's own transient error, the Lambda service's, and timeouts.
 * Exponential backoff with full jitter; errors not listed (a contract violation, an accounting
 * mismatch) are never retried.
 */
export const transientRetry: Retrier[] = [
  {
    ErrorEquals: [ErrorName.Transient, ...LambdaTransientErrors, 'States.Timeout'],
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
    MaxDelaySeconds: 20,
    JitterStrategy: 'FULL',
  },
];

/** Anything a task still throws after its retries sends the execution to `next` (the whole-input backup). */
export const catchAll = (next: string): Catcher[] => [{ ErrorEquals: ['States.ALL'], Next: next }];

/** Task time limit: well inside Express's five minutes. */
export const TASK_TIMEOUT_SECONDS = 120;

/** Express workflows stop at five minutes. */
export const EXPRESS_TIMEOUT_SECONDS = 300;
