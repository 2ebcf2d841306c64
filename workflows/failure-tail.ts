import type { WorkflowName } from '../contracts/batch.ts';
import { fail, task } from './asl/states.ts';
import type { AslState } from './asl/types.ts';
import { States } from '../contracts/errors.ts';
import { TASK_TIMEOUT_SECONDS } from '../contracts/timing.ts';
import { transientRetry } from './policy.ts';
import { CAUGHT, Names } from './record-chain.ts';
import { PIPELINE_PLACEHOLDER, resourceOf } from './resources.ts';

/** A backup of the input after a Catch: the input and the error from where `input` and `error` point. */
const backupState = (workflow: WorkflowName, comment: string, input: string, error: string): AslState =>
  task(
    {
      comment,
      resource: resourceOf('backup'),
      parameters: { pipeline: PIPELINE_PLACEHOLDER, workflow, 'input.$': input, 'error.$': error, 'execution.$': '$$.Execution.Id' },
      timeoutSeconds: TASK_TIMEOUT_SECONDS.backup,
      retry: transientRetry,
      catch: [{ ErrorEquals: [States.ALL], Next: Names.notBackedUp }],
    },
    { next: Names.failed },
  );

/**
 * Where a Catch leads: the whole execution input goes to the backup bucket with a FAILED ledger row
 * (so `sluice redrive` can start it again), then the execution fails with the original error. With
 * `decoded`, a second way in for the tasks after decode (`catchDecodedTo`): the input their batch carries,
 * by reference when large, so an execution input near the payload limit is backed up too.
 */
export function failureTail(workflow: WorkflowName, { decoded = false }: { decoded?: boolean } = {}): [string, AslState][] {
  return [
    [Names.backupInput, backupState(workflow, 'Something failed for good: keep the whole input and a FAILED ledger row for redrive', '$$.Execution.Input', '$')],
    ...(decoded
      ? ([[Names.backupBatchInput, backupState(workflow, "Something failed for good after decode: keep the input the batch carries and a FAILED ledger row for redrive", '$.input', CAUGHT)]] as [string, AslState][])
      : []),
    [Names.failed, fail('The input is backed up; the error is the one that stopped the workflow', '$.error', '$.cause')],
    [Names.notBackedUp, fail('Even the backup failed: the trigger must retry this input', '$.Error', '$.Cause')],
  ];
}
