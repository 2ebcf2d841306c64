import type { AccountResult, AccountStatus, Counts } from '../../contracts/batch.ts';
import { firehoseSettings } from '../../contracts/config.ts';
import { decodeOrThrow, guardOrThrow } from '../../contracts/decode.ts';
import { AccountingMismatchError, OvertakenError } from '../../contracts/errors.ts';
import { FirehoseTransformRequest } from '../../contracts/firehose.ts';
import { objectBatchOf } from '../../contracts/ledger.ts';
import { PipesKinesisBatch, type BatchItemFailures } from '../../contracts/pipes-kinesis.ts';
import { AccountInput } from '../../contracts/tasks.ts';
import { accountedBefore, claimDelivered, REDELIVERED, shardKeyOf, unclaimed, type RecentClaim } from '../shared/accounted.ts';
import { countBody, open } from '../shared/body.ts';
import { load, store } from '../shared/claim-check.ts';
import type { TaskContext } from '../shared/context.ts';
import { dropInput } from '../shared/inputs.ts';
import { inputBackupKey, writeLedgerRow } from '../shared/ledger.ts';
import { malformedAlert } from '../shared/malformed-alert.ts';
import { addChunk, pinObject } from '../shared/object-ledger.ts';
import { pipelineOf } from '../shared/pipeline.ts';
import { withShardLock } from './shard-lock.ts';
import { imbalances, partitionCount } from './check.ts';
import { commitStaged } from './commit.ts';
import { firehoseResponse, withReingested } from './firehose-response.ts';
import { reingestOverflow } from './reingest-overflow.ts';

const statusOf = (counts: Counts): AccountStatus => (counts.backedUp > 0 ? 'BACKED_UP' : 'SUCCEEDED');


/**
 * The account task: checks that every record of the batch ended delivered, quarantined, dropped or
 * backed up, writes the ledger row, and shapes the reply its trigger expects. A batch that does not
 * balance fails the execution with Sluice.AccountingMismatch.
 */
export async function account(input: unknown, ctx: TaskContext): Promise<AccountResult> {
  const request = guardOrThrow(AccountInput, input, 'account input');
  const opened = await open(request.batch, 'account batch', ctx);
  const { batch } = opened;
  let { body } = opened;
  const pipeline = pipelineOf(ctx.config, batch.pipeline, batch.workflow);
  const original = await load(batch.input, ctx);

  let units: string[] | number | undefined = batch.source.lines;
  let response: unknown = null;
  let reingested = 0;
  let claimed: string[] = [];
  // the records it dropped as redelivered: they stand on other batches' claims, which the check confirms
  let leaned: string[] = [];
  const redelivered = body.dropped.filter((d) => d.reason === REDELIVERED).length;
  if (batch.workflow === 'kinesis') {
    const records = guardOrThrow(PipesKinesisBatch, original, 'Pipes Kinesis batch');
    units = records.map((record) => record.eventID);
    // what the batch claims: not what it backed up (its row, BACKED_UP, is where that is due), nor what it
    // dropped because another batch claimed it (a claim is the batch's own, or a wrong one would spread)
    const redeliveredUnits = new Set(body.dropped.filter((d) => d.reason === REDELIVERED).map((d) => d.unit));
    const notOwn = new Set([...body.backedUp.map((b) => b.unit), ...redeliveredUnits]);
    claimed = records.filter((record) => !notOwn.has(record.eventID)).map((record) => record.sequenceNumber);
    leaned = records.filter((record) => redeliveredUnits.has(record.eventID)).map((record) => record.sequenceNumber);
    // every record has an outcome (or the check below fails the execution and Pipes retries the batch)
    response = { batchItemFailures: [] } satisfies BatchItemFailures;
  } else if (batch.workflow === 'firehose') {
    const firehose = decodeOrThrow(FirehoseTransformRequest, original, 'Firehose transformation request');
    units = firehose.records.map((record) => record.recordId);
    const reply = firehoseResponse(firehose, body, firehoseSettings(batch.pipeline, pipeline).mode, batch.batchId);
    response = reply.response;
    if (reply.overflow.length > 0) {
      await reingestOverflow(firehose, reply.overflow, batch.batchId, ctx);
      body = withReingested(body, reply.overflow);
      reingested = reply.overflow.length;
    }
  }
  const problems = imbalances(body, batch.counts, units);
  if (problems.length > 0) throw new AccountingMismatchError(`${batch.batchId}: ${problems.join('; ')}`);

  const counts = countBody(body, batch.counts.in);
  const status = statusOf(counts);
  const chunk = batch.source.firstLine !== undefined;
  const partitions = partitionCount(body);
  // an S3 object is delivered again by nothing: its row, which a redrive starts from, says it ended only once
  // the lake has it (every run of an object cuts it the same way, startObject, so the commit rewrites, never adds)
  const object = batch.workflow === 's3' && !chunk;
  // before anything of it is in the lake, the object is cut this way for good
  if (batch.workflow === 's3' && (body.staged ?? []).length > 0) await pinObject(ctx, objectBatchOf(batch.batchId));
  if (object) await commitStaged(body.staged ?? [], ctx);
  const row = async () => {
    await writeLedgerRow(ctx, {
      batchId: batch.batchId,
      pipeline: batch.pipeline,
      workflow: batch.workflow,
      status,
      time: new Date(ctx.now()).toISOString(),
      source: batch.source,
      ...(batch.source.shard ? { shard: batch.source.shard } : {}),
      counts,
      partitions,
      ...(request.execution ? { execution: request.execution } : {}),
      ...(reingested > 0 ? { reingested } : {}),
      ...(redelivered > 0 ? { redelivered } : {}),
      // an object's event is its row's, and what a redrive starts from: set again when the object did not end
      // well, as another run of it (a duplicate event) that did may have taken it from the row meanwhile
      ...(object && status !== 'SUCCEEDED' ? { input: original } : {}),
    }, status === 'SUCCEEDED' ? ['input', 'inputKey', 'error', 'redelivered'] : ['error', 'redelivered']);
    // a batch that ended well needs no copy of its input; the others keep it for redrive (a failure after this
    // point goes through "Back up the batch's input", which keeps it again). An S3 object's event is kept in its row.
    if (!chunk && batch.workflow !== 's3' && status === 'SUCCEEDED') await dropInput(ctx, inputBackupKey(batch.batchId));
  };
  const settle = async () => {
    if (batch.workflow === 'kinesis') {
      // under its shard's lock: the claim (a batch cut another way drops these records), the lake objects, then
      // the row. A commit that stops halfway is finished by the lock's next holder (shard-lock.ts); a kill before
      // the row leaves it STARTED, and the sweep runs the batch again under the same names, where a row that
      // said SUCCEEDED would count records the Pipe's re-read delivers too
      await claimDelivered(ctx, batch.pipeline, batch.batchId, batch.source, claimed);
      await commitStaged(body.staged ?? [], ctx);
      await row();
      return;
    }
    await row();
    // the lake objects are seen only now, as the last thing that can fail: a failure before leaves nothing
    // that a retry cut differently would write again (the failure tail rewrites the row FAILED)
    if (!object) await commitStaged(body.staged ?? [], ctx);
  };
  // two Kinesis batches over the same records in flight at once both read the shard index before either
  // claimed: one after the other, each looks again, claims and commits; the second finds what the first
  // claimed, and fails before its lake objects are seen (its source's retry drops those records, redelivered)
  const shardKey = batch.workflow === 'kinesis' ? shardKeyOf(batch.pipeline, batch.source) : undefined;
  if (shardKey) {
    const commit = { batchId: batch.batchId, staged: body.staged ?? [], ...(claimed.length > 0 ? { claim: { start: claimed[0]!, end: claimed[claimed.length - 1]! } } : {}) };
    const check = async (recent: readonly RecentClaim[]) => {
      const claimOf = await accountedBefore(ctx, batch.pipeline, batch.batchId, batch.source, recent);
      const taken = claimed.filter(claimOf).length;
      if (taken > 0) throw new OvertakenError(`${batch.batchId}: ${taken} of its records were delivered by another batch after it was decoded; none of its lake objects is committed`);
      // its drops stand on the claims decode found: one withdrawn since (a commit the next holder could not finish,
      // shard-lock.ts) stands for records in no lake, which it would count as another batch's
      const loose = (await unclaimed(ctx, claimOf, leaned)).length;
      if (loose > 0) throw new OvertakenError(`${batch.batchId}: ${loose} of the records its decode dropped as redelivered are claimed by no batch now (a claim withdrawn since, its commit unfinishable); none of its lake objects is committed`);
    };
    await withShardLock(ctx, shardKey, commit, check, settle);
  } else {
    await settle();
  }
  // a chunk counts into its object (which reports its metrics once every chunk has ended)
  const { chunk: index, run, lines } = batch.source;
  if (chunk && index !== undefined && run !== undefined) await addChunk(ctx, objectBatchOf(batch.batchId), run, index, counts, lines ?? 0);
  if (!chunk) ctx.metrics?.(batch.pipeline, counts);
  if (body.quarantined.length > 0 && ctx.alert) {
    // the batch is accounted for already: an alert that cannot be sent is logged, and fails nothing
    await ctx.alert(malformedAlert(batch.pipeline, batch.batchId, body.quarantined, ctx.now())).catch((error: Error) => {
      console.error(JSON.stringify({ message: 'malformed-data alert not sent', batchId: batch.batchId, error: error.name, cause: error.message }));
    });
  }
  const count = Array.isArray(units) ? units.length : 0;
  return {
    pipeline: batch.pipeline,
    workflow: batch.workflow,
    batchId: batch.batchId,
    status,
    counts,
    partitions,
    outputs: body.outputs,
    response: await store(response, count, batch.batchId, ctx),
  };
}
