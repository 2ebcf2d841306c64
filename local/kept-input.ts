import { WholeInputBackedUp } from '../contracts/tasks.ts';
import { Names } from '../workflows/record-chain.ts';
import type { ExecutionResult } from './engine.ts';

/** Where a failed execution's whole input was kept ("Back up whole input"), with its batch id; none when it did not fail that way. */
export function keptInput(result: ExecutionResult): WholeInputBackedUp | undefined {
  const exited = result.events.find((e) => e.type === 'StateExited' && e.state?.name === Names.backupInput)?.state?.output;
  return WholeInputBackedUp.is(exited) ? exited : undefined;
}
