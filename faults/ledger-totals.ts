import { batchRows } from '../redrive/batch-rows.ts';
import type { TaskContext } from '../tasks/shared/context.ts';

export interface LedgerTotals {
  in: number;
  delivered: number;
  quarantined: number;
  dropped: number;
  backedUp: number;
  /** Final rows (SUCCEEDED, BACKED_UP) the sums come from, chunk rows left out. */
  rows: number;
  /** Rows of an S3 object's chunks (their counts are in the object's row). */
  chunkRows: number;
  /** Rows of batches that did not end: batch id and status (STARTED, FAILED). */
  unfinished: string[];
}

const CHUNK_ROW = /\.chunk-\d{5}$/;

/**
 * The sum of the ledger's final rows: SUCCEEDED and BACKED_UP, one per batch (an S3 object's row adds
 * up its chunks, whose own rows are left out). Rows still STARTED or FAILED are listed apart.
 */
export async function ledgerTotals(ctx: TaskContext): Promise<LedgerTotals> {
  const totals: LedgerTotals = { in: 0, delivered: 0, quarantined: 0, dropped: 0, backedUp: 0, rows: 0, chunkRows: 0, unfinished: [] };
  for await (const row of batchRows(ctx)) {
    const batchId = String(row.batchId);
    if (CHUNK_ROW.test(batchId)) {
      totals.chunkRows++;
      continue;
    }
    if (row.status !== 'SUCCEEDED' && row.status !== 'BACKED_UP') {
      totals.unfinished.push(`${batchId}=${String(row.status)}`);
      continue;
    }
    const counts = (row.counts ?? {}) as Partial<Record<'in' | 'delivered' | 'quarantined' | 'dropped' | 'backedUp', number>>;
    totals.rows++;
    totals.in += counts.in ?? 0;
    totals.delivered += counts.delivered ?? 0;
    totals.quarantined += counts.quarantined ?? 0;
    totals.dropped += counts.dropped ?? 0;
    totals.backedUp += counts.backedUp ?? 0;
  }
  return totals;
}
