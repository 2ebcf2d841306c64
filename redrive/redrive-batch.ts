import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { objectBatchOf } from '../contracts/ledger.ts';
import { redrivable } from './redrivable.ts';
import { redrive, type RedriveOutcome, type Redriver } from './redrive.ts';

/** What a redrive of one batch did, or why it did nothing. */
export type BatchRedrive = RedriveOutcome | { batchId: string; skipped: string };

/** One batch redriven when the ledger says it is due (the inspector's action); when it is not, why. */
export async function redriveBatch(redriver: Redriver, named: string): Promise<BatchRedrive> {
  // a chunk execution's page redrives its object, whose row keeps the event
  const batchId = objectBatchOf(named);
  const rows = await redrivable(redriver.ctx, { batchId });
  if (rows.length === 0) {
    const { Item: row } = await redriver.ctx.ddb.send(new GetCommand({ TableName: redriver.ctx.config.ledgerTable, Key: { batchId } }));
    const why = !row
      ? 'it has no ledger row'
      : !Object.hasOwn(redriver.ctx.config.pipelines, String(row.pipeline))
        ? `it stands ${String(row.status)}, of pipeline "${String(row.pipeline)}", which this configuration does not have (it ran under another)`
        : row.status === 'SUCCEEDED' || row.status === 'SUPERSEDED'
          ? `it stands ${String(row.status)}`
          : `it stands ${String(row.status)} and is not due: a batch that failed for good is left alone (\`sluice redrive --batch ${batchId} --force\` redrives it), one STARTED may still be running`;
    return { batchId, skipped: `nothing redriven: ${why}` };
  }
  const [outcome] = await redrive(redriver, rows);
  return outcome!;
}
