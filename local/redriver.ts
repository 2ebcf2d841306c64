import type { Redriver } from '../redrive/redrive.ts';
import type { ExecutionResult, TraceEvent } from './engine.ts';
import type { LocalStack } from './stack.ts';

/** Redrive on the embedded stack: the ledger and backups of its data folder, executions on the local engine. */
export function localRedriver(stack: LocalStack, onEvent?: (event: TraceEvent) => void, onResult?: (result: ExecutionResult) => void): Redriver {
  return {
    ctx: stack.ctx,
    start: async (workflow, pipeline, input) => {
      const result = await stack.run(workflow, pipeline, input, onEvent);
      onResult?.(result);
      return { status: result.status, ...(result.error ? { error: result.error } : {}) };
    },
  };
}
