import type { ExecutionResult } from '../local/engine.ts';
import { localRedriver } from '../local/redriver.ts';
import type { LocalStack } from '../local/stack.ts';
import { redrivable } from '../redrive/redrivable.ts';
import { redrive, type RedriveOutcome } from '../redrive/redrive.ts';

/** Runs `start` over the inputs, at most `parallel` at a time (Firehose and many shards call concurrently). */
export async function runAll<T>(inputs: T[], start: (input: T) => Promise<ExecutionResult>, parallel = 4): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = await start(inputs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, inputs.length) }, worker));
  return results;
}

/** How executions ended, e.g. `40 SUCCEEDED (12 BACKED_UP)` or `40 FAILED (Sluice.Transient)`. */
export function summary(results: ExecutionResult[]): string {
  const by = new Map<string, number>();
  for (const r of results) {
    const key = r.status === 'FAILED' ? `FAILED ${r.error ?? ''}`.trim() : (r.account?.status ?? r.status);
    by.set(key, (by.get(key) ?? 0) + 1);
  }
  return `${results.length} executions${results.length ? `: ${[...by].map(([key, n]) => `${n} ${key}`).join(', ')}` : ''}`;
}

/**
 * After the fault is healed: every batch the ledger shows FAILED, BACKED_UP or still STARTED, started
 * again from its kept input on the healthy stack (as `sluice redrive --unfinished-after 0` would).
 * The text says how many went which way: row status before -> how the execution ended -> row status after.
 */
export async function redriveAll(stack: LocalStack): Promise<{ outcomes: RedriveOutcome[]; text: string }> {
  const rows = await redrivable(stack.ctx, { unfinishedAfterSeconds: 0 });
  const outcomes = await redrive(localRedriver(stack), rows);
  const by = new Map<string, number>();
  for (const o of outcomes) {
    const step = `${o.before}->${o.execution}${o.error ? ` ${o.error}` : ''}->${o.after}`;
    by.set(step, (by.get(step) ?? 0) + 1);
  }
  return { outcomes, text: `${outcomes.length} redriven${outcomes.length ? `: ${[...by].map(([k, n]) => `${n} ${k}`).join(', ')}` : ''}` };
}
