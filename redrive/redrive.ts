import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountStatus, WorkflowName } from '../contracts/batch.ts';
import { decodeOrThrow } from '../contracts/decode.ts';
import { FirehoseTransformRequest } from '../contracts/firehose.ts';
import { PipesKinesisBatch } from '../contracts/pipes-kinesis.ts';
import { hasClaim } from '../tasks/shared/accounted.ts';
import { nameOf } from '../tasks/shared/batch-identity.ts';
import { store } from '../tasks/shared/claim-check.ts';
import { dropInput } from '../tasks/shared/inputs.ts';
import { objectAsRead } from '../tasks/shared/object-as-read.ts';
import { writeLedgerRow } from '../tasks/shared/ledger.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import { getBytes } from '../tasks/shared/s3-objects.ts';
import type { Redrivable } from './redrivable.ts';
import { letGo, takeLease } from './redrive-lease.ts';
import { notYetDelivered } from './superseded.ts';

/** Where a redrive reads the ledger and backups (the task context), and how it starts an execution. */
export interface Redriver {
  ctx: TaskContext;
  start(workflow: WorkflowName, pipeline: string, input: unknown): Promise<{ status: string; error?: string }>;
}

export interface RedriveOutcome {
  batchId: string;
  pipeline: string;
  before: AccountStatus;
  /** How the new execution ended (STARTED for an asynchronous start). */
  execution: string;
  error?: string;
  /** The batch's ledger status after the new execution. */
  after: string;
}

/** The input a batch's execution started from: kept in its row, or in the backup bucket. */
export async function inputOf(ctx: TaskContext, batch: Redrivable): Promise<unknown> {
  if ('input' in batch && batch.input !== undefined) return batch.input;
  const key = (batch as { inputKey: string }).inputKey;
  let bytes: Uint8Array;
  try {
    bytes = await getBytes(ctx, ctx.config.buckets.backup, key);
  } catch (error) {
    if ((error as Error).name !== 'NoSuchKey') throw error;
    // the backup bucket's objects expire (retention.backupDays): a batch left unredriven longer loses its input
    throw new Error(`its kept input, s3://${ctx.config.buckets.backup}/${key}, is gone (the backup bucket's expiry, retention.backupDays, passed before it was redriven?)`, { cause: error });
  }
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
}

/**
 * A transform-mode Firehose batch that failed as a whole was never answered `Ok`: its records reach their
 * destination only through Firehose, so a redrive puts them back on the delivery stream (a new execution's
 * response would go nowhere).
 */
const putsBack = (ctx: TaskContext, batch: Redrivable) =>
  batch.workflow === 'firehose' && batch.status !== 'BACKED_UP' && ctx.config.pipelines[batch.pipeline]?.firehoseMode === 'transform';

async function putBack(ctx: TaskContext, batch: Redrivable, input: unknown): Promise<RedriveOutcome> {
  const request = decodeOrThrow(FirehoseTransformRequest, input, `${batch.batchId} input`);
  const stream = nameOf(request.deliveryStreamArn);
  if (!stream || !ctx.reingest) {
    return { batchId: batch.batchId, pipeline: batch.pipeline, before: batch.status, execution: 'NOT_REINGESTED', error: stream ? 'no PutRecordBatch here' : 'the request names no delivery stream', after: batch.status };
  }
  try {
    await ctx.reingest(stream, request.records.map((record) => Buffer.from(record.data, 'base64')));
  } catch (error) {
    // not put back: the row stays as it is, for a later redrive; the other batches go on
    return { batchId: batch.batchId, pipeline: batch.pipeline, before: batch.status, execution: 'NOT_REINGESTED', error: (error as Error).message, after: batch.status };
  }
  await writeLedgerRow(ctx, { batchId: batch.batchId, pipeline: batch.pipeline, workflow: 'firehose', status: 'SUCCEEDED', time: new Date(ctx.now()).toISOString(), source: batch.source, reingested: request.records.length }, ['input', 'inputKey', 'error']);
  return { batchId: batch.batchId, pipeline: batch.pipeline, before: batch.status, execution: 'REINGESTED', after: 'SUCCEEDED' };
}

/**
 * A failed or unfinished Kinesis batch: only its records that no batch delivered since are started again
 * (a batch of their own); when none are left, or once they are delivered, the batch is SUPERSEDED. One that
 * claimed records itself runs again whole.
 */
async function redriveStretch(redriver: Redriver, batch: Redrivable, records: PipesKinesisBatch): Promise<RedriveOutcome> {
  const { ctx } = redriver;
  const left = await notYetDelivered(ctx, batch, records);
  const base = { batchId: batch.batchId, pipeline: batch.pipeline, before: batch.status };
  // a batch that claimed its records and stopped before its row (a kill) runs again whole, under its own name:
  // its decode drops what other batches claimed and keeps what it claimed itself, which its row then counts
  // (started apart, those would be dropped as another batch's, and counted by no row)
  if (left.length === records.length || (await hasClaim(ctx, batch.batchId))) {
    const execution = await redriver.start('kinesis', batch.pipeline, records);
    const row = await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: batch.batchId } }));
    return { ...base, execution: execution.status, ...(execution.error ? { error: execution.error } : {}), after: String(row.Item?.status ?? 'unknown') };
  }
  let execution: { status: string; error?: string } = { status: 'NOT_NEEDED' };
  if (left.length > 0) execution = await redriver.start('kinesis', batch.pipeline, left);
  if (execution.status !== 'NOT_NEEDED' && execution.status !== 'SUCCEEDED') {
    return { ...base, execution: execution.status, ...(execution.error ? { error: execution.error } : {}), after: batch.status };
  }
  await writeLedgerRow(ctx, { batchId: batch.batchId, pipeline: batch.pipeline, workflow: 'kinesis', status: 'SUPERSEDED', time: new Date(ctx.now()).toISOString(), source: batch.source }, ['input', 'inputKey', 'error']);
  if (batch.inputKey) await dropInput(ctx, batch.inputKey);
  return { ...base, execution: left.length > 0 ? `${execution.status} (${left.length} of ${records.length} records)` : 'NOT_NEEDED', after: 'SUPERSEDED' };
}

/**
 * Starts a new execution of each batch from its kept input. AWS cannot redrive Express executions;
 * sluice can because every sink writes by record id and the lake commits a batch under names of its
 * own: what was delivered before is overwritten or answers "already there", never duplicated. The new
 * execution's account step rewrites the batch's ledger row, which is read back to report where it stands.
 */
export async function redrive(redriver: Redriver, batches: Redrivable[]): Promise<RedriveOutcome[]> {
  const outcomes: RedriveOutcome[] = [];
  for (const batch of batches) outcomes.push(await redriveDue(redriver, batch));
  return outcomes;
}

/** One batch, held for its redrive (redrive-lease.ts) from the moment it is taken until its outcome is known. */
async function redriveDue(redriver: Redriver, batch: Redrivable): Promise<RedriveOutcome> {
  const notStarted = (error: string): RedriveOutcome => ({ batchId: batch.batchId, pipeline: batch.pipeline, before: batch.status, execution: 'NOT_STARTED', error, after: batch.status });
  const lease = await takeLease(redriver.ctx, batch);
  if ('refused' in lease) return notStarted(lease.refused);
  let outcome: RedriveOutcome;
  try {
    outcome = await redriveHeld(redriver, batch, notStarted);
  } catch (error) {
    await letGo(redriver.ctx, batch.batchId, lease).catch((also: Error) => {
      throw new AggregateError([error, also], `${(error as Error).message}; and its hold on the batch could not be let go (${also.message}): it lapses at ${lease.until}`);
    });
    throw error;
  }
  // started asynchronously (an s3 run): the hold covers the start until the run writes its row anew, or lapses
  if (outcome.execution === 'STARTED') return outcome;
  try {
    await letGo(redriver.ctx, batch.batchId, lease);
  } catch (error) {
    const note = `its hold on the batch could not be let go (${(error as Error).message}): another redrive of it waits until ${lease.until}`;
    return { ...outcome, error: outcome.error ? `${outcome.error}; ${note}` : note };
  }
  return outcome;
}

async function redriveHeld(redriver: Redriver, batch: Redrivable, notStarted: (error: string) => RedriveOutcome): Promise<RedriveOutcome> {
  let input: unknown;
  try {
    input = await inputOf(redriver.ctx, batch);
  } catch (error) {
    // a batch whose input cannot be read (gone with the backup bucket's expiry, S3 refusing) is not started: it is reported, and the others go on
    return notStarted((error as Error).message);
  }
  return redriveOne(redriver, batch, input);
}

async function redriveOne(redriver: Redriver, batch: Redrivable, input: unknown): Promise<RedriveOutcome> {
  const { ctx } = redriver;
  if (putsBack(ctx, batch)) return putBack(ctx, batch, input);
  // (an input that is no Pipes batch goes through the workflow again, to fail as it did, with its reason)
  if (batch.workflow === 'kinesis' && batch.status !== 'BACKED_UP' && PipesKinesisBatch.is(input)) return redriveStretch(redriver, batch, input);
  // a large Firehose request goes by claim check again, as the bridge would send it
  const payload = batch.workflow === 'firehose' ? await store(input, 0, batch.batchId, ctx) : input;
  // an object written over since: the run reads the later write as that write's batch, and this one is done with
  // (an event that names no object goes through the workflow again, to fail as it did, with its reason)
  const later = batch.workflow === 's3' ? await objectAsRead(input, ctx).then((read) => read.batchId, () => batch.batchId) : batch.batchId;
  const execution = await redriver.start(batch.workflow, batch.pipeline, payload);
  // started (on AWS an s3 run starts asynchronously): the later write's own row counts what it does, and this one is
  // done with, whatever that run does (left STARTED, the sweep started the later write again every ten minutes)
  if (later !== batch.batchId && (execution.status === 'SUCCEEDED' || execution.status === 'STARTED')) {
    await writeLedgerRow(ctx, { batchId: batch.batchId, pipeline: batch.pipeline, workflow: 's3', status: 'SUPERSEDED', time: new Date(ctx.now()).toISOString(), source: batch.source }, ['input', 'inputKey', 'error']);
    return { batchId: batch.batchId, pipeline: batch.pipeline, before: batch.status, execution: `${execution.status} (as ${later}: the object was written over, its write is gone)`, after: 'SUPERSEDED' };
  }
  const row = await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: batch.batchId } }));
  return {
    batchId: batch.batchId,
    pipeline: batch.pipeline,
    before: batch.status,
    execution: execution.status,
    ...(execution.error ? { error: execution.error } : {}),
    after: String(row.Item?.status ?? 'unknown'),
  };
}
