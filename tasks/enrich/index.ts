import type { Batch, Body, Partition, Quarantined, Rec } from '../../contracts/batch.ts';
import type { PipelineConfig } from '../../contracts/config.ts';
import { KEY_ATTRIBUTE } from '../../contracts/sinks.ts';
import { SLUICE_VERSION } from '../../contracts/version.ts';
import { step } from '../shared/body.ts';
import type { TaskContext } from '../shared/context.ts';
import { timeClip } from '../shared/date-millis.ts';
import { isoTime } from '../shared/iso-time.ts';
import { pipelineOf } from '../shared/pipeline.ts';
import { eventTime, partitionOf } from './partition.ts';
import { s4Enrichment } from './s4-rules.ts';

export interface EnrichScope {
  pipelineName: string;
  pipeline: PipelineConfig;
  workflow: string;
  now: number;
}

const HOUR = 3_600_000;

/**
 * An enricher for one batch: what is the same for every record (processed time, metadata, partitions
 * of an hour) is computed once, which keeps enrich close to the cost of parsing the record at all.
 */
export function enricher(scope: EnrichScope): (record: Rec) => Rec {
  const { pipeline } = scope;
  const typeField = pipeline.validation?.typeField;
  const fallbackType = pipeline.validation?.fallback ?? 'events';
  const rules = pipeline.enrichment?.s4;
  // whole milliseconds, as a Date holds the time (a time falls back to now)
  const now = timeClip(scope.now);
  const processedAt = isoTime(now);
  const metadata = { source: `${scope.workflow}:${scope.pipelineName}`, stage: 'enriched', version: SLUICE_VERSION };
  const partitions = new Map<string, Map<number, Partition>>();
  let lastArrival: number | undefined;
  let lastArrivalIso = processedAt;
  return (record) => {
    const declared = typeField ? record.data[typeField] : record.data['@logGroup'];
    // a log event's type is its log group: a log lake is partitioned by where the logs come from
    const eventType = typeof declared === 'string' ? declared : fallbackType;
    // a log event's time, known since decode, as a Date would hold it (out of range: NaN, which isoTime refuses)
    const ms = record.time === undefined ? eventTime(record.data, record.arrivedAt, now) : timeClip(record.time);
    const hour = Math.floor(ms / HOUR);
    // by type, then hour: no key string built per record
    let hours = partitions.get(eventType);
    if (!hours) partitions.set(eventType, (hours = new Map()));
    let partition = hours.get(hour);
    if (!partition) hours.set(hour, (partition = partitionOf(eventType, new Date(ms))));
    if (record.arrivedAt !== lastArrival) {
      // converted before it is cached: a time that does not convert must not leave a neighbour's behind
      const iso = record.arrivedAt === undefined ? processedAt : isoTime(record.arrivedAt);
      lastArrival = record.arrivedAt;
      lastArrivalIso = iso;
    }
    // the record's fields first, then sluice's, set one by one (a computed key in the literal took a slower path)
    const data: Record<string, unknown> = { ...record.data };
    data[KEY_ATTRIBUTE] = record.id;
    data.event_time = isoTime(ms);
    data.ingested_at = lastArrivalIso;
    data.processed_at = processedAt;
    data.metadata = record.warnings ? { ...metadata, warnings: record.warnings } : metadata;
    if (rules) data.enrichment = s4Enrichment(record.data, rules);
    const replaced = replacedFields(record.data, data, rules !== undefined);
    if (replaced) data.metadata = { ...(data.metadata as object), replaced };
    // a new record of the fields it keeps (not warnings, time), named: a rest pattern copies through a slow generic path
    const next: Rec = { id: record.id, unit: record.unit, data, partition };
    if (record.arrivedAt !== undefined) next.arrivedAt = record.arrivedAt;
    if (record.pending !== undefined) next.pending = record.pending;
    if (record.attempts !== undefined) next.attempts = record.attempts;
    if (record.error !== undefined) next.error = record.error;
    return next;
  };
}

/** The fields enrich writes, each over a field of the same name the record may have. */
const WRITTEN = [KEY_ATTRIBUTE, 'event_time', 'ingested_at', 'processed_at', 'metadata'];
const WRITTEN_WITH_RULES = [...WRITTEN, 'enrichment'];
const RULES_ONLY = ['enrichment'];
const NONE: string[] = [];

/**
 * A record sluice enriched already (S4's processed stage reads the raw stage's output): its fields are sluice's
 * to write again. Told by sluice's metadata beside a record id of its own (sha256, hex).
 */
function enrichedBefore(sent: Record<string, unknown>): boolean {
  const metadata = sent.metadata as { stage?: unknown; version?: unknown; source?: unknown } | null | undefined;
  return (
    typeof metadata === 'object' && metadata !== null && metadata.stage === 'enriched' && typeof metadata.version === 'string' &&
    typeof metadata.source === 'string' && /^(kinesis|s3|firehose):/.test(metadata.source) && typeof sent[KEY_ATTRIBUTE] === 'string' && /^[0-9a-f]{64}$/.test(sent[KEY_ATTRIBUTE])
  );
}

/**
 * The producer's own values of fields enrich writes over (a `metadata` of its own, a `record_id`): kept in
 * `metadata.replaced`, so that no value is lost without a trace (and what an earlier stage kept there goes on);
 * undefined when there are none (the usual case: a check of five fields).
 */
function replacedFields(sent: Record<string, unknown>, written: Record<string, unknown>, withRules: boolean): Record<string, unknown> | undefined {
  const before = enrichedBefore(sent);
  const kept = before ? (sent.metadata as { replaced?: unknown }).replaced : undefined;
  let replaced = typeof kept === 'object' && kept !== null && !Array.isArray(kept) ? (kept as Record<string, unknown>) : undefined;
  // an earlier stage's fields are sluice's to write again, but for `enrichment`, which only a stage with rules writes
  for (const field of before ? (withRules ? RULES_ONLY : NONE) : withRules ? WRITTEN_WITH_RULES : WRITTEN) {
    if (Object.hasOwn(sent, field) && sent[field] !== written[field]) replaced = { ...replaced, [field]: sent[field] };
  }
  return replaced;
}

/** Adds the record id, timestamps, partition keys, business rules and metadata to one record. */
export const enrichRecord = (record: Rec, scope: EnrichScope): Rec => enricher(scope)(record);

/** Enriches every record; one that cannot be enriched is quarantined with why, never its batch. */
export function enrichBody(body: Body, scope: EnrichScope): Body {
  const enrich = enricher(scope);
  const records: Rec[] = [];
  const quarantined: Quarantined[] = [];
  for (const record of body.records) {
    try {
      records.push(enrich(record));
    } catch (error) {
      quarantined.push({
        id: record.id,
        unit: record.unit,
        reason: 'enrich-failed',
        severity: 'error',
        errors: [{ path: '(root)', message: (error as Error)?.message ?? String(error), severity: 'error' }],
        raw: safeJson(record.data),
      });
    }
  }
  return { ...body, records, quarantined: quarantined.length > 0 ? [...body.quarantined, ...quarantined] : body.quarantined };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (error) {
    return `(not serialisable: ${(error as Error).message})`;
  }
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
