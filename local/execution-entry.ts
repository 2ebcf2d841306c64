import type { ExecutionResult } from './engine.ts';
import type { ExecutionEntry } from './execution-source.ts';
import { keptInput } from './kept-input.ts';

/** An execution's line in the inspector's list, from its result (a local run's, or one read from AWS's logs). */
export function entryOf(result: ExecutionResult, redrove?: string): ExecutionEntry {
  const kept = keptInput(result);
  const batchId = result.account?.batchId ?? kept?.batchId;
  return {
    id: result.executionArn.split(':').pop()!,
    pipeline: result.pipeline,
    workflow: result.workflow,
    status: result.account?.status === 'BACKED_UP' ? 'BACKED_UP' : result.status,
    ...(batchId ? { batchId } : {}),
    ...(kept ? { inputKey: kept.inputKey } : {}),
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    ...(result.account ? { counts: result.account.counts } : {}),
    ...(result.error ? { error: result.error } : {}),
    ...(redrove ? { redrove } : {}),
  };
}
