import type { Batch, Body, Delivered, Rec, Retry } from '../../contracts/batch.ts';
import type { Limits } from '../../contracts/config.ts';
import { open, seal } from '../shared/body.ts';
import type { TaskContext } from '../shared/context.ts';
import { pipelineOf } from '../shared/pipeline.ts';
import { createSinks, type Sinks } from './sinks/index.ts';
import type { Sink } from './sinks/sink.ts';

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

/** Full-jitter exponential backoff for the redelivery loop, in whole seconds (Wait needs integers). */
export function backoffSeconds(attempt: number, limits: Limits, random: () => number = Math.random): number {
  const ceiling = limits.retryBaseSeconds * 2 ** Math.max(0, attempt - 1);
  return Math.max(limits.retryBaseSeconds > 0 ? 1 : 0, Math.ceil(random() * ceiling));
}

/**
 * Hands each record to every sink it still has to reach: new records to all enabled sinks, records that
 * failed before (retryably) only to the sinks that failed them. A record is delivered once no sink is
 * pending; otherwise it stays failed with the last error, for the loop or for backup.
 */
export async function deliverBody(body: Body, sinks: Sink[], attempt: number, keepData: boolean): Promise<Body> {
  const names = sinks.map((sink) => sink.name);
  const retrying = body.failed.filter((record) => record.error?.retryable !== false);
  const settled = body.failed.filter((record) => record.error?.retryable === false);
  const candidates: Rec[] = [
    ...body.records.map((record) => ({ ...record, pending: names })),
    ...retrying,
  ];
  const state = new Map(candidates.map((record) => [record.id, { record, pending: new Set(record.pending), error: record.error }]));
  const outputs = { ...body.outputs };
  for (const sink of sinks) {
    const given = candidates.filter((record) => state.get(record.id)!.pending.has(sink.name));
    if (given.length === 0) continue;
    const outcome = await sink.deliver(given);
    for (const record of given) {
      const entry = state.get(record.id)!;
      const error = outcome.failed.get(record.id);
      if (error) entry.error = error;
      else entry.pending.delete(sink.name);
    }
    outputs[sink.name] = [...new Set([...(outputs[sink.name] ?? []), ...outcome.outputs])].sort();
  }
  const delivered: Delivered[] = [];
  const failed: Rec[] = [...settled];
  for (const { record, pending, error } of state.values()) {
    if (names.length > 0 && pending.size === 0) {
      delivered.push({ id: record.id, unit: record.unit, ...(keepData ? { data: record.data } : {}), ...(record.partition ? { partition: record.partition } : {}) });
    } else {
      failed.push({ ...record, pending: [...pending], attempts: attempt, error: names.length === 0 ? NO_SINK : error! });
    }
  }
  return { ...body, records: [], failed, delivered: [...body.delivered, ...delivered], outputs };
}

/** The deliver task: one pass of delivery, and what the workflow's redelivery loop needs to decide. */
export async function deliver(input: unknown, ctx: TaskContext): Promise<Batch> {
  const { batch, body } = await open(input, 'deliver input', ctx);
  const pipeline = pipelineOf(ctx.config, batch.pipeline);
  const { enabled } = sinksFor(ctx, batch.pipeline);
  const attempt = batch.retry.attempt + 1;
  const next = await deliverBody(body, enabled, attempt, pipeline.firehoseMode === 'transform');
  const { limits } = ctx.config;
  const retryable = next.failed.some((record) => record.error?.retryable);
  const remaining = retryable ? Math.max(0, limits.deliverAttempts - attempt) : 0;
  const retry: Retry = { attempt, remaining, delaySeconds: remaining > 0 ? backoffSeconds(attempt, limits) : 0 };
  return seal({ ...batch, retry }, next, batch.counts.in, ctx);
}
