import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SourceInfo } from '../../contracts/batch.ts';
import { packSequences, sortableSequence, unpackSequences } from '../../contracts/batch-sequences.ts';
import { batchOfClaim, claimKey, LEDGER_SHARD_INDEX } from '../../contracts/ledger.ts';
import type { TaskContext } from './context.ts';
import { LEDGER_RETENTION_DAYS } from './ledger.ts';
import { located } from './transient.ts';

/** The reason decode drops a record another batch claimed. */
export const REDELIVERED = 'redelivered';

/** A Kinesis batch's shard in the index: its pipeline's (two pipelines may read one stream, each delivering every record). */
export function shardKeyOf(pipeline: string, source: SourceInfo): string | undefined {
  return source.stream && source.shard ? `${pipeline}/${source.stream}/${source.shard}` : undefined;
}

/**
 * A Kinesis batch claims the records it delivered in the shard index, under its shard's commit lock, just
 * before its lake objects are committed: from now on a batch cut another way over them finds them
 * delivered. A batch that fails before claims nothing, and what it did not deliver, the next batch
 * delivers; one whose commit stops after its claim has it finished by the lock's next holder. The claim
 * expires with the rows of batches that ended well.
 */
export async function claimDelivered(ctx: TaskContext, pipeline: string, batchId: string, source: SourceInfo, sequences: readonly string[]): Promise<void> {
  const shardKey = shardKeyOf(pipeline, source);
  if (!shardKey || sequences.length === 0) return;
  const item = {
    batchId: claimKey(batchId),
    shardKey,
    stretchStart: sortableSequence(sequences[0]!),
    stretchEnd: sortableSequence(sequences[sequences.length - 1]!),
    sequences: packSequences(sequences),
    expiresAt: Math.floor(ctx.now() / 1000) + LEDGER_RETENTION_DAYS * 86_400,
  };
  try {
    await ctx.ddb.send(new PutCommand({ TableName: ctx.config.ledgerTable, Item: item }));
  } catch (error) {
    throw located(error, `writing the claim of ${batchId}`);
  }
}

/**
 * A claim its shard's commit lock remembers for a while after it was written (tasks/account/shard-lock.ts):
 * on AWS the shard index is a global secondary index, which a claim reaches a moment after its write, so a
 * batch that takes the lock right after another let it go would not find that one's claim there.
 */
export interface RecentClaim {
  batchId: string;
  /** The first and last sequence numbers it claims. */
  start: string;
  end: string;
  /** When it was written (ms). */
  at: number;
}

/** Claims read a page at a time; a page of claims that all start after the batch ends ends the read. */
const PAGE = 100;

/**
 * Which records of a Kinesis batch other batches of its pipeline and shard delivered, as the batch id of the
 * claim that holds each (undefined for the others): the claims whose
 * last sequence number is at or after this batch's first, in that order. One Query, which finds nothing
 * in the common case (the batches before this one end before it; with several in flight per shard, the
 * other lanes' latest). A batch far behind the shard's head (a redrive the next day) would find every
 * claim since: the read stops after a page of claims that all start after this batch ends. A claim
 * spanning it that comes later still is missed: its records are delivered again, a duplicate, never a loss.
 * `recent`, the claims the shard's lock remembers (the account step's check, under the lock), are read
 * from the table besides, where they span this batch: the index may not show them yet.
 */
export async function accountedBefore(ctx: TaskContext, pipeline: string, batchId: string, source: SourceInfo, recent: readonly RecentClaim[] = []): Promise<(sequence: string) => string | undefined> {
  const shardKey = shardKeyOf(pipeline, source);
  if (!shardKey || !source.firstSequence || !source.lastSequence) return () => undefined;
  const first = sortableSequence(source.firstSequence);
  const last = sortableSequence(source.lastSequence);
  const delivered = new Map<string, string>();
  // the claims the index may not show yet that span this batch: read from the table, consistently
  const spanning = recent.filter((claim) => claim.batchId !== batchId && sortableSequence(claim.start) <= last && sortableSequence(claim.end) >= first);
  for (const claim of spanning) {
    let found;
    try {
      found = await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: claimKey(claim.batchId) }, ConsistentRead: true, ProjectionExpression: '#s', ExpressionAttributeNames: { '#s': 'sequences' } }));
    } catch (error) {
      throw located(error, `reading the claim of ${claim.batchId} for ${batchId}`);
    }
    // a claim withdrawn since (its commit could not be finished) claims nothing
    if (found.Item) for (const sequence of unpackSequences(String(found.Item.sequences))) delivered.set(sequence, claim.batchId);
  }
  let start: Record<string, unknown> | undefined;
  let after = 0;
  do {
    let page;
    try {
      page = await ctx.ddb.send(
        new QueryCommand({
          TableName: ctx.config.ledgerTable,
          IndexName: LEDGER_SHARD_INDEX.name,
          KeyConditionExpression: '#key = :key AND #end >= :first',
          ExpressionAttributeNames: { '#key': LEDGER_SHARD_INDEX.partitionKey, '#end': LEDGER_SHARD_INDEX.sortKey },
          ExpressionAttributeValues: { ':key': shardKey, ':first': first },
          ExclusiveStartKey: start,
          Limit: PAGE,
        }),
      );
    } catch (error) {
      throw located(error, `reading the shard index for ${batchId}`);
    }
    for (const claim of page.Items ?? []) {
      if (String(claim.stretchStart) > last) {
        after++;
        continue;
      }
      after = 0;
      if (claim.batchId === claimKey(batchId)) continue;
      const by = batchOfClaim(String(claim.batchId));
      // a sequence keeps the first claim found: one read from the table outranks the index's
      for (const sequence of unpackSequences(String(claim.sequences))) if (!delivered.has(sequence)) delivered.set(sequence, by);
    }
    start = page.LastEvaluatedKey;
  } while (start && after < PAGE);
  return (sequence) => delivered.get(sequence);
}

/**
 * Of a batch's `sequences`, those no claim holds now, by `claimOf` (accountedBefore's answer): none held, or held
 * by a claim withdrawn since, read from the table consistently, each claim once. A claim is withdrawn when its
 * commit cannot be finished (its records are in no lake), and on AWS the index shows a deleted claim a moment
 * longer: records standing on such a claim are delivered by no batch.
 */
export async function unclaimed(ctx: TaskContext, claimOf: (sequence: string) => string | undefined, sequences: readonly string[]): Promise<string[]> {
  const gone = new Set<string>();
  for (const claim of new Set(sequences.map(claimOf))) if (claim !== undefined && !(await hasClaim(ctx, claim))) gone.add(claim);
  return sequences.filter((sequence) => {
    const claim = claimOf(sequence);
    return claim === undefined || gone.has(claim);
  });
}

/** Whether a batch's claim was written (read from the table, consistently: the index may lag). */
export async function hasClaim(ctx: TaskContext, batchId: string): Promise<boolean> {
  try {
    const found = await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: claimKey(batchId) }, ConsistentRead: true, ProjectionExpression: 'batchId' }));
    return found.Item !== undefined;
  } catch (error) {
    throw located(error, `reading the claim of ${batchId}`);
  }
}
