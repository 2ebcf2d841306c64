import type { TaskName } from '../contracts/timing.ts';
import { account } from './account/index.ts';
import { backup } from './backup/index.ts';
import { decode } from './decode/index.ts';
import { deliver } from './deliver/index.ts';
import { enrich } from './enrich/index.ts';
import type { TaskContext } from './shared/context.ts';
import { validate } from './validate/index.ts';

/**
 * Every task by the name its Resource placeholder carries, as its function runs it (given the ARN it was
 * invoked by, which decode reads a Pipes batch's pipeline from: trigger.ts); what the local engine runs in-process.
 */
export const tasks: Record<TaskName, (input: unknown, ctx: TaskContext, invokedFunctionArn?: string) => Promise<unknown>> = {
  decode,
  validate,
  enrich,
  deliver,
  backup,
  account,
};
