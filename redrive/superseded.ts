import type { PipesKinesisBatch } from '../contracts/pipes-kinesis.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import type { Redrivable } from './redrivable.ts';
import { scanLedger } from './scan-ledger.ts';

type Stretch = { first: bigint; last: bigint };

/** The stretches of a shard that batches which ended well (delivered, or backed up) cover. */
async function covered(ctx: TaskContext, row: Redrivable): Promise<Stretch[]> {
  const stretches: Stretch[] = [];
  const items = scanLedger(ctx, {
    expression: '#shard = :shard AND #source.#stream = :stream AND #status IN (:ok, :backedUp) AND batchId <> :self',
    names: { '#shard': 'shard', '#source': 'source', '#stream': 'stream', '#status': 'status' },
    values: { ':shard': row.source.shard, ':stream': row.source.stream, ':ok': 'SUCCEEDED', ':backedUp': 'BACKED_UP', ':self': row.batchId },
  });
  for await (const item of items) {
    const source = item.source as { firstSequence?: string; lastSequence?: string } | undefined;
    if (source?.firstSequence && source.lastSequence) stretches.push({ first: BigInt(source.firstSequence), last: BigInt(source.lastSequence) });
  }
  return stretches;
}

/**
 * The records of a failed or unfinished Kinesis batch that no batch has delivered since. A Pipes batch is
 * a stretch of one shard, in order; when an execution fails, Pipes retries the same records, then halves
 * of them (AUTOMATIC_BISECT), and a Pipe that lost its checkpoint re-reads them, cut its own way. Those
 * batches name their lake objects after themselves: redriving the failed batch whole would write what
 * they delivered a second time. So only what no later batch covered is started again.
 */
export async function notYetDelivered(ctx: TaskContext, row: Redrivable, records: PipesKinesisBatch): Promise<PipesKinesisBatch> {
  if (!row.source.shard || !row.source.stream) return records;
  const stretches = await covered(ctx, row);
  return records.filter((record) => {
    const sequence = BigInt(record.sequenceNumber);
    return !stretches.some((s) => s.first <= sequence && sequence <= s.last);
  });
}
