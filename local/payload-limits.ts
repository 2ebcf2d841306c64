import { STATE_PAYLOAD_BYTES } from '../contracts/config.ts';
import { States } from '../contracts/errors.ts';
import { jsonBytes } from '../tasks/shared/json-bytes.ts';

/**
 * What Step Functions raises when a state's output is over STATE_PAYLOAD_BYTES: a terminal error, which
 * no Retry and no Catch takes, States.ALL included. aws-local-stepfunctions reads `isRetryable` and
 * `isCatchable` of what a task throws, as it does for its own States.Runtime.
 */
export class DataLimitExceeded extends Error {
  override readonly name = States.DataLimitExceeded;
  readonly isRetryable = false;
  readonly isCatchable = false;
}

/**
 * A task's input after its Parameters, or its result, as Step Functions takes them: over the limit, the
 * state fails the execution.
 */
export function withinStateLimit<T>(payload: T, state: string, machine: string, role: 'input' | 'result'): T {
  if (jsonBytes(payload, STATE_PAYLOAD_BYTES) > STATE_PAYLOAD_BYTES) {
    const bytes = jsonBytes(payload);
    const what = role === 'input' ? 'was given an input (after its Parameters)' : 'returned a result';
    throw new DataLimitExceeded(`the state/task '${state}' of ${machine} ${what} of ${bytes} bytes, over the ${STATE_PAYLOAD_BYTES}-byte payload limit`);
  }
  return payload;
}

/** What StartExecution answers an input over the limit: a ValidationException, and no execution. */
export function checkExecutionInput(input: unknown, machine: string): void {
  if (jsonBytes(input, STATE_PAYLOAD_BYTES) <= STATE_PAYLOAD_BYTES) return;
  const bytes = jsonBytes(input);
  const error = new Error(`${machine}: the execution input is ${bytes} bytes, over the ${STATE_PAYLOAD_BYTES}-byte payload limit: Step Functions would not start it`);
  error.name = 'ValidationException';
  throw error;
}
