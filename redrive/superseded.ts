import type { PipesKinesisBatch } from '../contracts/pipes-kinesis.ts';
import { accountedBefore, unclaimed } from '../tasks/shared/accounted.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import type { Redrivable } from './redrivable.ts';

/**
 * The records of a failed or unfinished Kinesis batch that no batch has delivered since. When an
 * execution fails, Pipes retries the same records, then halves of them (AUTOMATIC_BISECT), and a Pipe that
 * lost its checkpoint re-reads them, cut its own way. Those batches name their lake objects after
 * themselves: redriving the failed batch whole would write what they delivered a second time. So only
 * what no batch claimed in the shard index is started again.
 */
export async function notYetDelivered(ctx: TaskContext, row: Redrivable, records: PipesKinesisBatch): Promise<PipesKinesisBatch> {
  const claimOf = await accountedBefore(ctx, row.pipeline, row.batchId, row.source);
  // a claim the index still shows after it was withdrawn (its commit unfinishable) delivered nothing
  const left = new Set(await unclaimed(ctx, claimOf, records.map((record) => record.sequenceNumber)));
  return records.filter((record) => left.has(record.sequenceNumber));
}
