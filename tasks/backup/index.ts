import type { Batch, Body, BackedUp } from '../../contracts/batch.ts';
import { guardOrThrow } from '../../contracts/decode.ts';
import { BackupInput, BackupWholeInput, DecodeChunk, type WholeInputBackedUp } from '../../contracts/tasks.ts';
import type { WorkflowName } from '../../contracts/batch.ts';
import { chunkBatchId } from '../../contracts/ledger.ts';
import { batchIdentity, type BatchIdentity } from '../shared/batch-identity.ts';
import { load } from '../shared/claim-check.ts';
import { open, seal } from '../shared/body.ts';
import type { TaskContext } from '../shared/context.ts';
import { digest } from '../shared/ids.ts';
import { keepInput } from '../shared/inputs.ts';
import { jsonLines } from '../shared/json-lines.ts';
import { writeLedgerRow } from '../shared/ledger.ts';
import { objectAsRead } from '../shared/object-as-read.ts';
import { failChunk } from '../shared/object-ledger.ts';
import { partitionValue } from '../shared/partition-value.ts';
import { putObject } from '../shared/s3-objects.ts';
import { DELIVERY_FAILED, fromFailed, fromQuarantined, type FailureRecord } from './failure-record.ts';

const datePath = (now: number) => {
  const [year, month, day] = new Date(now).toISOString().slice(0, 10).split('-');
  return `year=${year}/month=${month}/day=${day}`;
};

/**
 * Writes quarantined and failed records to `errors/year=…/month=…/day=…/<reason>/` in the backup bucket,
 * one JSON Lines object per reason and batch, named by the ids it holds and dated by when the batch's oldest
 * record arrived, as Firehose dates its error prefixes (a retry, or a redrive the next day, rewrites it).
 */
export async function backupBody(body: Body, batch: Batch, ctx: TaskContext): Promise<Body> {
  const now = ctx.now();
  const dated = batch.source.arrivedAt ?? now;
  const groups = new Map<string, FailureRecord[]>();
  const add = (reason: string, record: FailureRecord) => {
    const group = groups.get(reason);
    if (group) group.push(record);
    else groups.set(reason, [record]);
  };
  for (const q of body.quarantined) if (!q.key) add(q.reason, fromQuarantined(q, batch.pipeline, batch.batchId, now));
  for (const record of body.failed) add(record.error?.code ?? DELIVERY_FAILED, fromFailed(record, batch.pipeline, batch.batchId, now));

  const keyOf = new Map<string, string>();
  const written: string[] = [];
  for (const [reason, records] of groups) {
    const key = `errors/${datePath(dated)}/${partitionValue(reason)}/${batch.batchId}-${digest(records.map((r) => r.recordId).join('\n'))}.jsonl`;
    await putObject(ctx, {
      Bucket: ctx.config.buckets.backup,
      Key: key,
      Body: jsonLines(records),
      ContentType: 'application/x-ndjson',
    });
    for (const record of records) keyOf.set(record.recordId, key);
    written.push(`s3://${ctx.config.buckets.backup}/${key}`);
  }
  const backedUp: BackedUp[] = body.failed.map((record) => ({
    id: record.id,
    unit: record.unit,
    key: keyOf.get(record.id)!,
    code: record.error?.code ?? DELIVERY_FAILED,
  }));
  return {
    ...body,
    quarantined: body.quarantined.map((q) => (q.key ? q : { ...q, key: keyOf.get(q.id)! })),
    failed: [],
    backedUp: [...body.backedUp, ...backedUp],
    outputs: { ...body.outputs, backup: [...new Set([...(body.outputs.backup ?? []), ...written])].sort() },
  };
}

/** The batch id and source decode would give this input; a digest of it when the input cannot be read. */
function identify(workflow: WorkflowName, input: unknown): BatchIdentity {
  try {
    return batchIdentity(workflow, input);
  } catch {
    return { batchId: `${workflow}.unreadable.${digest(JSON.stringify(input) ?? 'undefined')}`, source: {} };
  }
}

/**
 * After a Catch: the whole execution input is kept (in the backup bucket, or in the row when S3 cannot
 * take it and it is small; an S3 event always in the row) and the ledger says FAILED.
 */
async function backupWholeInput(request: BackupWholeInput, ctx: TaskContext) {
  const resolved = await load(request.input, ctx);
  if (DecodeChunk.is(resolved)) return failedChunk(resolved, request, ctx);
  // an S3 event's row is the write the split read, which its own event's row may not be (object-as-read.ts)
  const { batchId, source } = request.workflow === 's3' ? await objectAsRead(resolved, ctx, identify('s3', resolved)) : identify(request.workflow, resolved);
  const kept = request.workflow === 's3' ? { input: resolved } : await keepInput(ctx, batchId, resolved);
  // the execution is over: a redrive that started it asynchronously (an s3 run on AWS) holds the row no longer
  await writeLedgerRow(ctx, {
    batchId,
    pipeline: request.pipeline,
    workflow: request.workflow,
    status: 'FAILED',
    time: new Date(ctx.now()).toISOString(),
    source,
    ...(source.shard ? { shard: source.shard } : {}),
    ...kept,
    error: request.error,
    ...(request.execution ? { execution: request.execution } : {}),
  }, ['redriveLease']);
  return {
    error: request.error.Error ?? 'Sluice.Failed',
    cause: request.error.Cause ?? 'no cause given',
    batchId,
    inputKey: 'inputKey' in kept ? `s3://${ctx.config.buckets.backup}/${kept.inputKey}` : `ledger://${ctx.config.ledgerTable}/${batchId}`,
  };
}

/**
 * A chunk execution that failed: the object's row (which keeps the object's event) learns it, and is what
 * a redrive starts again; the chunk's own row says FAILED, for the record.
 */
async function failedChunk(chunk: DecodeChunk, request: BackupWholeInput, ctx: TaskContext) {
  const batchId = chunkBatchId(chunk.batchId, chunk.index);
  await writeLedgerRow(ctx, {
    batchId,
    pipeline: chunk.pipeline,
    workflow: 's3',
    status: 'FAILED',
    time: new Date(ctx.now()).toISOString(),
    source: { ...chunk.source, firstLine: chunk.chunk.firstLine, chunk: chunk.index, run: chunk.run },
    error: request.error,
    ...(request.execution ? { execution: request.execution } : {}),
  });
  await failChunk(ctx, chunk.batchId, chunk.run, chunk.index, request.error);
  return {
    error: request.error.Error ?? 'Sluice.Failed',
    cause: request.error.Cause ?? 'no cause given',
    batchId,
    inputKey: `ledger://${ctx.config.ledgerTable}/${chunk.batchId}`,
  };
}

/** The backup task: failed and quarantined records after delivery, or the whole input after a Catch. */
export async function backup(input: unknown, ctx: TaskContext): Promise<Batch | WholeInputBackedUp> {
  if (typeof input === 'object' && input !== null && 'error' in input) {
    return backupWholeInput(guardOrThrow(BackupWholeInput, input, 'backup input'), ctx);
  }
  const request = guardOrThrow(BackupInput, input, 'backup input');
  const { batch, body } = await open(request.batch, 'backup batch', ctx);
  const next = await backupBody(body, batch, ctx);
  return seal(batch, next, batch.counts.in, ctx);
}
