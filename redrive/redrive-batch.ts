import { redrivable } from './redrivable.ts';
import { redrive, type RedriveOutcome, type Redriver } from './redrive.ts';

/** One batch redriven when the ledger says it is due (the inspector's action); undefined when it is not. */
export async function redriveBatch(redriver: Redriver, batchId: string): Promise<RedriveOutcome | undefined> {
  const rows = await redrivable(redriver.ctx, { batchId });
  if (rows.length === 0) return undefined;
  const [outcome] = await redrive(redriver, rows);
  return outcome;
}
