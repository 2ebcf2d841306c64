import type { WorkflowName } from '../contracts/batch.ts';
import { fail, task } from './asl/states.ts';
import type { AslState } from './asl/types.ts';
import { States } from '../contracts/errors.ts';
import { TASK_TIMEOUT_SECONDS } from '../contracts/timing.ts';
import { transientRetry } from './policy.ts';
import { Names } from './record-chain.ts';
import { PIPELINE_PLACEHOLDER, resourceOf } from './resources.ts';

/**
 * Where a Catch leads: the whole execution input goes to the backup bucket with a FAILED ledger row
 * (so `sluice redrive` can start it again), then the execution fails with the original error.
 */
export function failureTail(workflow: WorkflowName): [string, AslState][] {
  return [
    [
      Names.backupInput,
      task(
        {
          comment: 'Something failed for good: keep the whole input and a FAILED ledger row for redrive',
          resource: resourceOf('backup'),
          parameters: {
            pipeline: PIPELINE_PLACEHOLDER,
            workflow,
            'input.$': '$$.Execution.Input',
            'error.$': '$',
            'execution.$': '$$.Execution.Id',
          },
          timeoutSeconds: TASK_TIMEOUT_SECONDS.backup,
          retry: transientRetry,
          catch: [{ ErrorEquals: [States.ALL], Next: Names.notBackedUp }],
        },
        { next: Names.failed },
      ),
    ],
    [Names.failed, fail('The input is backed up; the error is the one that stopped the workflow', '$.error', '$.cause')],
    [Names.notBackedUp, fail('Even the backup failed: the trigger must retry this input', '$.Error', '$.Cause')],
  ];
}
