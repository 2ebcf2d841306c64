import { isLeft } from 'fp-ts/lib/Either.js';
import type { Counts } from '../contracts/batch.ts';
import { report } from '../contracts/decode.ts';
import { LedgerRow } from '../contracts/ledger.ts';
import { batchRows } from '../redrive/batch-rows.ts';
import type { TaskContext } from '../tasks/shared/context.ts';

/** The ledger's sums; `redelivered` is the part of `dropped` that another batch had delivered (a re-read). */
type Sums = Pick<Counts, 'in' | 'delivered' | 'quarantined' | 'dropped' | 'backedUp'> & { redelivered: number };

export interface PipelineStatus {
  pipeline: string;
  records: Sums;
  /** in = delivered + quarantined + dropped + backedUp, over every batch that ended. */
  balanced: boolean;
  /** Batches by ledger status (an S3 object counts once: its chunks add up into its row). */
  batches: Record<string, number>;
  /** The ledger has batches of this pipeline, which the configuration does not name (they ran under another). */
  unconfigured?: true;
  /** A Firehose pipeline's batches its destination did not take, backed up by its delivery stream, by error output type, and where (firehose-backups.ts). */
  firehoseBackups?: { prefix: string; batches: Record<string, number> };
}

/** Per pipeline (the configuration's, then any other the ledger names), what the ledger says: record sums of the batches that ended, and batches by status. */
export async function ledgerStatus(ctx: TaskContext, onBadRow: (problem: string) => void): Promise<PipelineStatus[]> {
  const byPipeline = new Map<string, PipelineStatus>();
  const empty = (pipeline: string): PipelineStatus => ({ pipeline, records: { in: 0, delivered: 0, quarantined: 0, dropped: 0, backedUp: 0, redelivered: 0 }, balanced: true, batches: {} });
  for (const pipeline of Object.keys(ctx.config.pipelines)) byPipeline.set(pipeline, empty(pipeline));
  const rows = batchRows(ctx);
  for await (const item of rows) {
    const decoded = LedgerRow.decode(item);
    if (isLeft(decoded)) {
      onBadRow(`${String(item.batchId)}: ${report(decoded.left).join('; ')}`);
      continue;
    }
    const row = decoded.right;
    // a chunk's records are in its object's row already
    if (row.source.chunk !== undefined) continue;
    let status = byPipeline.get(row.pipeline);
    // shown, not left out: a status without them looked balanced while redrive listed their batches
    if (!status) byPipeline.set(row.pipeline, (status = { ...empty(row.pipeline), unconfigured: true }));
    status.batches[row.status] = (status.batches[row.status] ?? 0) + 1;
    if (!row.counts || row.status === 'STARTED') continue;
    for (const key of ['in', 'delivered', 'quarantined', 'dropped', 'backedUp'] as const) status.records[key] += row.counts[key];
    status.records.redelivered += row.redelivered ?? 0;
  }
  for (const status of byPipeline.values()) {
    const { in: total, delivered, quarantined, dropped, backedUp } = status.records;
    status.balanced = total === delivered + quarantined + dropped + backedUp;
  }
  return [...byPipeline.values()];
}
