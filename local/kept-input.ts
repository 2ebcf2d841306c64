import { WholeInputBackedUp } from '../contracts/tasks.ts';
import { Names } from '../workflows/record-chain.ts';
import type { ExecutionResult } from './engine.ts';

/** Where a failed execution's whole input was kept ("Back up whole input", or the batch's after decode), with its batch id; none when it did not fail that way. */
export function keptInput(result: ExecutionResult): WholeInputBackedUp | undefined {
  const tail: string[] = [Names.backupInput, Names.backupBatchInput];
  const exited = result.events.find((e) => e.type === 'StateExited' && tail.includes(e.state?.name ?? ''))?.state?.output;
  return WholeInputBackedUp.is(exited) ? exited : undefined;
}
