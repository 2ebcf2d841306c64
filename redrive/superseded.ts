import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { packSequences, unpackSequences } from '../contracts/batch-sequences.ts';
import type { PipesKinesisBatch } from '../contracts/pipes-kinesis.ts';
import { kinesisBatch } from '../tasks/shared/batch-identity.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import { located } from '../tasks/shared/transient.ts';
import type { Redrivable } from './redrivable.ts';
import { scanLedger } from './scan-ledger.ts';

type Stretch = { first: bigint; last: bigint };

/**
 * What batches of a shard that ended well (delivered, or backed up) hold: a stretch of it each, or, for a
 * batch cut with others in flight on its shard, its own sequence numbers (batch-sequences.ts).
 */
async function covered(ctx: TaskContext, row: Redrivable): Promise<{ stretches: Stretch[]; sequences: Set<string> }> {
  const stretches: Stretch[] = [];
  const sequences = new Set<string>();
  const items = scanLedger(ctx, {
    expression: '#shard = :shard AND #source.#stream = :stream AND #status IN (:ok, :backedUp) AND batchId <> :self',
    names: { '#shard': 'shard', '#source': 'source', '#stream': 'stream', '#status': 'status' },
    values: { ':shard': row.source.shard, ':stream': row.source.stream, ':ok': 'SUCCEEDED', ':backedUp': 'BACKED_UP', ':self': row.batchId },
  });
  for await (const item of items) {
    if (typeof item.sequences === 'string') {
      for (const sequence of unpackSequences(item.sequences)) sequences.add(sequence);
      continue;
    }
    const source = item.source as { firstSequence?: string; lastSequence?: string } | undefined;
    if (source?.firstSequence && source.lastSequence) stretches.push({ first: BigInt(source.firstSequence), last: BigInt(source.lastSequence) });
  }
  return { stretches, sequences };
}

/**
 * The records of a failed or unfinished Kinesis batch that no batch has delivered since. When an
 * execution fails, Pipes retries the same records, then halves of them (AUTOMATIC_BISECT), and a Pipe that
 * lost its checkpoint re-reads them, cut its own way. Those batches name their lake objects after
 * themselves: redriving the failed batch whole would write what they delivered a second time. So only
 * what no later batch holds is started again.
 */
export async function notYetDelivered(ctx: TaskContext, row: Redrivable, records: PipesKinesisBatch): Promise<PipesKinesisBatch> {
  if (!row.source.shard || !row.source.stream) return records;
  const { stretches, sequences } = await covered(ctx, row);
  return records.filter((record) => {
    if (sequences.has(record.sequenceNumber)) return false;
    const sequence = BigInt(record.sequenceNumber);
    return !stretches.some((s) => s.first <= sequence && sequence <= s.last);
  });
}

/**
 * What a redrive started holds, written on the row of its batch once it has ended: the records no batch
 * delivered are seldom a stretch of their shard (the delivered ones between them, and the other lanes'
 * records when the batch was cut with several in flight), whatever the Pipe's settings are now.
 */
export async function keepSequences(ctx: TaskContext, records: PipesKinesisBatch): Promise<void> {
  const { batchId } = kinesisBatch(records);
  try {
    await ctx.ddb.send(
      new UpdateCommand({
        TableName: ctx.config.ledgerTable,
        Key: { batchId },
        UpdateExpression: 'SET #sequences = :sequences',
        ConditionExpression: 'attribute_exists(batchId)',
        ExpressionAttributeNames: { '#sequences': 'sequences' },
        ExpressionAttributeValues: { ':sequences': packSequences(records.map((record) => record.sequenceNumber)) },
      }),
    );
  } catch (error) {
    throw located(error, `writing the sequence numbers of ledger row ${batchId}`);
  }
}
