import type { Batch, Body, Delivered, Rec, RecordError, Staged } from '../../contracts/batch.ts';
import type { Limits } from '../../contracts/config.ts';
import { guardOrThrow } from '../../contracts/decode.ts';
import { DeliverInput } from '../../contracts/tasks.ts';
import { DELIVER_MARGIN_SECONDS, MAX_REDELIVERY_WAIT_SECONDS, REDELIVER_UNTIL_SECONDS, TASK_TIMEOUT_SECONDS } from '../../contracts/timing.ts';
import { open, seal } from '../shared/body.ts';
import type { TaskContext } from '../shared/context.ts';
import { pipelineOf } from '../shared/pipeline.ts';
import { recordError } from '../shared/transient.ts';
import { createSinks, type Sinks } from './sinks/index.ts';
import { DEADLINE_REACHED, failAll, type DeliveryScope, type Sink, type SinkOutcome } from './sinks/sink.ts';

/** Sinks live as long as the container: clients, connections and secrets are made once, not per batch. */
const sinksByContext = new WeakMap<TaskContext, Map<string, Sinks>>();

function sinksFor(ctx: TaskContext, pipelineName: string): Sinks {
  let byPipeline = sinksByContext.get(ctx);
  if (!byPipeline) sinksByContext.set(ctx, (byPipeline = new Map()));
  let sinks = byPipeline.get(pipelineName);
  if (!sinks) byPipeline.set(pipelineName, (sinks = createSinks(pipelineOf(ctx.config, pipelineName), ctx)));
  return sinks;
}

const NO_SINK = { code: 'NoEnabledSink', message: 'the pipeline has no enabled sink', retryable: false };

/** Full-jitter exponential backoff for the redelivery loop, in whole seconds (Wait needs integers), capped. */
export function backoffSeconds(attempt: number, limits: Limits, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_REDELIVERY_WAIT_SECONDS, limits.retryBaseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(limits.retryBaseSeconds > 0 ? 1 : 0, Math.ceil(random() * ceiling));
}

/** One sink's turn: never throws; past the deadline, or on an error it did not foresee, its records fail. */
async function attempt(sink: Sink, records: Rec[], scope: DeliveryScope): Promise<SinkOutcome> {
  if (scope.now() >= scope.deadline) return { failed: failAll(records, DEADLINE_REACHED), outputs: [] };
  try {
    return await sink.deliver(records, scope);
  } catch (error) {
    return { failed: failAll(records, recordError(sink.name, error)), outputs: [] };
  }
}

/**
 * Hands each record to every sink it still has to reach: new records to all enabled sinks, records that
 * failed before (retryably) only to the sinks that failed them. A record is delivered once no sink is
 * pending; otherwise it stays failed with the last error, for the loop or for backup.
 */
export async function deliverBody(body: Body, sinks: Sink[], attemptNumber: number, keepData: boolean, scope: DeliveryScope): Promise<Body> {
  const names = sinks.map((sink) => sink.name);
  const retrying = body.failed.filter((record) => record.error?.retryable !== false);
  const settled = body.failed.filter((record) => record.error?.retryable === false);
  // each record with the sinks it has still to reach (an array replaced, never changed: new records share `names`)
  const entries: { record: Rec; pending: readonly string[]; error?: RecordError }[] = [
    ...body.records.map((record) => ({ record, pending: names })),
    // (one that failed without naming its sinks goes to every sink: counted delivered, it would have reached none)
    ...retrying.map((record) => ({ record, pending: record.pending ?? names, error: record.error })),
  ];
  const outputs = { ...body.outputs };
  const staged = new Map<string, Staged>((body.staged ?? []).map((s) => [`${s.bucket}/${s.key}`, s]));
  for (const sink of sinks) {
    const given = entries.filter((entry) => entry.pending.includes(sink.name));
    if (given.length === 0) continue;
    const outcome = await attempt(sink, given.map((entry) => entry.record), scope);
    for (const entry of given) {
      const error = outcome.failed.get(entry.record.id);
      if (error) entry.error = error;
      else entry.pending = entry.pending.filter((name) => name !== sink.name);
    }
    for (const s of outcome.staged ?? []) staged.set(`${s.bucket}/${s.key}`, s);
    outputs[sink.name] = [...new Set([...(outputs[sink.name] ?? []), ...outcome.outputs])].sort();
  }
  const delivered: Delivered[] = [];
  const failed: Rec[] = [...settled];
  for (const { record, pending, error } of entries) {
    if (names.length > 0 && pending.length === 0) {
      const entry: Delivered = { id: record.id, unit: record.unit };
      if (keepData) entry.data = record.data;
      if (record.partition) entry.partition = record.partition;
      delivered.push(entry);
    } else {
      failed.push({ ...record, pending: [...pending], attempts: attemptNumber, error: names.length === 0 ? NO_SINK : error! });
    }
  }
  return {
    ...body,
    records: [],
    failed,
    delivered: [...body.delivered, ...delivered],
    outputs,
    ...(staged.size > 0 ? { staged: [...staged.values()].sort((a, b) => a.key.localeCompare(b.key)) } : {}),
  };
}

/**
 * The deliver task: one pass of delivery, and what the workflow's redelivery loop needs to decide.
 * Refused records are tried again until the pipeline's retry duration (from the first pass) runs out,
 * but never past what the execution can afford: the loop's Choice also stops at REDELIVER_UNTIL_SECONDS.
 */
export async function deliver(input: unknown, ctx: TaskContext): Promise<Batch> {
  const request = guardOrThrow(DeliverInput, input, 'deliver input');
  const { batch, body } = await open(request.batch, 'deliver batch', ctx);
  const pipeline = pipelineOf(ctx.config, batch.pipeline);
  const { enabled } = sinksFor(ctx, batch.pipeline);
  const { limits } = ctx.config;
  const now = ctx.now();
  const parsed = Date.parse(request.startedAt);
  const startedAt = Number.isFinite(parsed) ? Math.min(parsed, now) : now;
  const attemptNumber = batch.retry.attempt + 1;
  const duration = pipeline.retryDurationSeconds ?? limits.retryDurationSeconds;
  const until = batch.retry.until || Math.min(now + duration * 1000, startedAt + REDELIVER_UNTIL_SECONDS * 1000);
  const scope = { batchId: batch.batchId, deadline: now + (TASK_TIMEOUT_SECONDS.deliver - DELIVER_MARGIN_SECONDS) * 1000, now: ctx.now };
  const next = await deliverBody(body, enabled, attemptNumber, pipeline.firehoseMode === 'transform', scope);
  const after = ctx.now();
  const retryable = next.failed.some((record) => record.error?.retryable);
  const delaySeconds = retryable ? backoffSeconds(attemptNumber, limits, ctx.random) : 0;
  const retry = {
    attempt: attemptNumber,
    again: retryable && after + delaySeconds * 1000 < until,
    delaySeconds,
    elapsedSeconds: Math.ceil((after - startedAt) / 1000),
    until,
  };
  return seal({ ...batch, retry }, next, batch.counts.in, ctx);
}
