import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { objectBatchOf } from '../contracts/ledger.ts';
import { redrivable } from './redrivable.ts';
import { redrive, type RedriveOutcome, type Redriver } from './redrive.ts';

/** What a redrive of one batch did, or why it did nothing. */
export type BatchRedrive = RedriveOutcome | { batchId: string; skipped: string };

/**
 * One batch redriven when the ledger says it is due (the inspector's action); when it is not, why: what
 * `redrivable` says of its row (failed for good, no input, another configuration's), else where the row stands.
 */
export async function redriveBatch(redriver: Redriver, named: string): Promise<BatchRedrive> {
  // a chunk execution's page redrives its object, whose row keeps the event
  const batchId = objectBatchOf(named);
  const said: string[] = [];
  const rows = await redrivable(redriver.ctx, { batchId }, (problem) => said.push(problem));
  if (rows.length === 0) {
    if (said.length > 0) return { batchId, skipped: `nothing redriven: ${said.join('; ')}` };
    const { Item: row } = await redriver.ctx.ddb.send(new GetCommand({ TableName: redriver.ctx.config.ledgerTable, Key: { batchId } }));
    return { batchId, skipped: `nothing redriven: ${row ? `it stands ${String(row.status)}, not due (a batch STARTED may still be running)` : 'it has no ledger row'}` };
  }
  const [outcome] = await redrive(redriver, rows);
  return outcome!;
}
