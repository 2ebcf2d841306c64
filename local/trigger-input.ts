import type { WorkflowName } from '../contracts/batch.ts';
import { FirehoseTransformRequest } from '../contracts/firehose.ts';
import { executionInput } from '../tasks/firehose-bridge/index.ts';
import type { TaskContext } from '../tasks/shared/context.ts';

/**
 * An input as its trigger would start the workflow with it: a Firehose transformation request (what the
 * Lambda receives) goes as the bridge sends it, by claim check when large; anything else as it is.
 */
export async function asStarted(workflow: WorkflowName, input: unknown, ctx: TaskContext): Promise<unknown> {
  return workflow === 'firehose' && FirehoseTransformRequest.is(input) ? executionInput(input, ctx) : input;
}
