import type { Redriver } from '../redrive/redrive.ts';
import type { TraceEvent } from './engine.ts';
import type { LocalStack } from './stack.ts';

/** Redrive on the embedded stack: the ledger and backups of its data folder, executions on the local engine. */
export function localRedriver(stack: LocalStack, onEvent?: (event: TraceEvent) => void): Redriver {
  return {
    ctx: stack.ctx,
    start: async (workflow, pipeline, input) => {
      const result = await stack.run(workflow, pipeline, input, onEvent);
      return { status: result.status, ...(result.error ? { error: result.error } : {}) };
    },
  };
}
