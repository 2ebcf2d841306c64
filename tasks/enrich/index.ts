import type { Batch, Body, Rec } from '../../contracts/batch.ts';
import type { PipelineConfig } from '../../contracts/config.ts';
import { SLUICE_VERSION } from '../../contracts/version.ts';
import { step } from '../shared/body.ts';
import type { TaskContext } from '../shared/context.ts';
import { pipelineOf } from '../shared/pipeline.ts';
import { eventTime, partitionOf } from './partition.ts';
import { s4Enrichment } from './s4-rules.ts';

export interface EnrichScope {
  pipelineName: string;
  pipeline: PipelineConfig;
  workflow: string;
  now: number;
}

/** Adds the record id, timestamps, partition keys, business rules and metadata to one record. */
export function enrichRecord(record: Rec, scope: EnrichScope): Rec {
  const { pipeline } = scope;
  const typeField = pipeline.validation?.typeField;
  const declared = typeField ? record.data[typeField] : undefined;
  const eventType = typeof declared === 'string' ? declared : (pipeline.validation?.fallback ?? 'events');
  const time = eventTime(record.data, record.arrivedAt, scope.now);
  const rules = pipeline.enrichment?.s4;
  const data: Record<string, unknown> = {
    ...record.data,
    record_id: record.id,
    event_time: time.toISOString(),
    ingested_at: new Date(record.arrivedAt ?? scope.now).toISOString(),
    processed_at: new Date(scope.now).toISOString(),
    metadata: {
      source: `${scope.workflow}:${scope.pipelineName}`,
      stage: 'enriched',
      version: SLUICE_VERSION,
      ...(record.warnings ? { warnings: record.warnings } : {}),
    },
  };
  if (rules) data.enrichment = s4Enrichment(record.data, rules);
  const { warnings: _warnings, ...rest } = record;
  return { ...rest, data, partition: partitionOf(eventType, time) };
}

export function enrichBody(body: Body, scope: EnrichScope): Body {
  return { ...body, records: body.records.map((record) => enrichRecord(record, scope)) };
}

/** The enrich task. */
export function enrich(input: unknown, ctx: TaskContext): Promise<Batch> {
  return step(input, 'enrich input', ctx, (body, batch) =>
    enrichBody(body, {
      pipelineName: batch.pipeline,
      pipeline: pipelineOf(ctx.config, batch.pipeline),
      workflow: batch.workflow,
      now: ctx.now(),
    }),
  );
}
