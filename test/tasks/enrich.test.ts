import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { businessEvent } from '../../local/samples.ts';
import { enrichRecord, type EnrichScope } from '../../tasks/enrich/index.ts';
import { eventTime } from '../../tasks/enrich/partition.ts';
import { amountCategory, s4Enrichment, sessionCategory } from '../../tasks/enrich/s4-rules.ts';

const rules = defaultConfig.pipelines['s4-events-processed']!.enrichment!.s4!;
const now = Date.UTC(2026, 10, 23, 12, 0, 0);
const scope: EnrichScope = { pipelineName: 's4-events-processed', pipeline: defaultConfig.pipelines['s4-events-processed']!, workflow: 's3', now };

describe('enrich', () => {
  it('adds record id, event/ingest/processed times, Hive partition keys and metadata', () => {
    const out = enrichRecord({ id: 'abc', unit: 'u', arrivedAt: now - 5000, data: businessEvent(1) }, scope);
    expect(out.partition).toStrictEqual({ event_type: 'transaction', year: '2026', month: '11', day: '23', hour: '09' });
    expect(out.data).toMatchObject({
      record_id: 'abc',
      event_time: '2026-11-23T09:31:00.000Z',
      ingested_at: new Date(now - 5000).toISOString(),
      processed_at: new Date(now).toISOString(),
      metadata: { source: 's3:s4-events-processed', stage: 'enriched', version: '0.1.0' },
      enrichment: { amount_category: 'micro', is_high_value: false },
    });
  });

  it('keeps a producer\'s own values of the fields it writes in metadata.replaced (they were overwritten without a trace), not those of a record sluice enriched before', () => {
    const sent = { ...businessEvent(1), metadata: { tenant: 'acme' }, record_id: 'order-42', ingested_at: '2020-01-01T00:00:00Z', enrichment: 'mine' };
    const out = enrichRecord({ id: 'abc', unit: 'u', data: sent }, scope);
    expect(out.data).toMatchObject({ record_id: 'abc', enrichment: { amount_category: 'micro' } });
    expect((out.data.metadata as Record<string, unknown>).replaced).toStrictEqual({ record_id: 'order-42', ingested_at: '2020-01-01T00:00:00Z', metadata: { tenant: 'acme' }, enrichment: 'mine' });
    expect(enrichRecord({ id: 'abc', unit: 'u', data: businessEvent(1) }, scope).data.metadata).not.toHaveProperty('replaced');
    // S4's processed stage over the raw stage's records: sluice's own fields, written again
    const rawScope = { ...scope, pipelineName: 's4-events-raw', pipeline: defaultConfig.pipelines['s4-events-raw']!, workflow: 'kinesis' };
    const raw = enrichRecord({ id: 'a'.repeat(64), unit: 'u', data: businessEvent(1) }, rawScope);
    expect(enrichRecord({ id: 'abc', unit: 'u', data: raw.data }, scope).data.metadata).not.toHaveProperty('replaced');
    // what the raw stage kept goes on through the processed stage
    const kept = enrichRecord({ id: 'a'.repeat(64), unit: 'u', data: sent }, rawScope);
    expect((enrichRecord({ id: 'abc', unit: 'u', data: kept.data }, scope).data.metadata as Record<string, unknown>).replaced).toStrictEqual({ record_id: 'order-42', ingested_at: '2020-01-01T00:00:00Z', metadata: { tenant: 'acme' }, enrichment: 'mine' });
    // a producer's metadata that only looks like sluice's, beside an id of its own, is the producer's
    const lookalike = { ...businessEvent(1), record_id: 'order-42', metadata: { stage: 'enriched', version: '1', source: 'kinesis:x' } };
    expect((enrichRecord({ id: 'abc', unit: 'u', data: lookalike }, scope).data.metadata as Record<string, unknown>).replaced).toMatchObject({ record_id: 'order-42' });
  });

  it('categorises transaction amounts and flags high value above 1000', () => {
    expect([5, 10, 99, 100, 999, 1000, 5000].map((a) => amountCategory(a, rules.amountBounds))).toStrictEqual([
      'micro', 'small', 'small', 'medium', 'medium', 'large', 'large',
    ]);
    const pay = (amount: number) => s4Enrichment({ event_type: 'transaction', payload: { amount } }, rules);
    expect([pay(1000).is_high_value, pay(1000.01).is_high_value]).toStrictEqual([false, true]);
  });

  it('categorises session durations and metric ranges, flagging anomalies', () => {
    expect([0, 59, 60, 599, 600].map((s) => sessionCategory(s, rules.sessionBounds))).toStrictEqual(['short', 'short', 'medium', 'medium', 'long']);
    const metric = (value: number) => s4Enrichment({ event_type: 'metric', payload: { metric_name: 'cpu_percent', value } }, rules);
    expect(metric(50)).toStrictEqual({ value_range: 'within', is_anomaly: false });
    expect(metric(95)).toStrictEqual({ value_range: 'above', is_anomaly: true });
    expect(s4Enrichment({ event_type: 'metric', payload: { metric_name: 'unknown', value: 1 } }, rules)).toStrictEqual({});
  });

  it('reads event time from ISO strings, epoch seconds and milliseconds, else arrival, else now', () => {
    expect(new Date(eventTime({ timestamp: '2026-01-02T03:04:05Z' }, undefined, now)).toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(new Date(eventTime({ timestamp: 1763890200 }, undefined, now)).toISOString()).toBe('2025-11-23T09:30:00.000Z');
    expect(new Date(eventTime({ timestamp: 1763890200000 }, undefined, now)).toISOString()).toBe('2025-11-23T09:30:00.000Z');
    expect(eventTime({ timestamp: 'garbage' }, now - 1000, now)).toBe(now - 1000);
    // out of a Date's range, as a Date would take it: now
    expect(eventTime({ timestamp: 9e15 }, undefined, now)).toBe(now);
    expect(eventTime({ timestamp: 1763890200000.7 }, undefined, now)).toBe(1763890200000);
    expect(eventTime({}, undefined, now)).toBe(now);
  });

  it('hands on every field of the record but its warnings and decoded time, which go into the data and the partition', () => {
    const warnings = [{ path: '/payload', message: 'odd', severity: 'warning' as const }];
    const error = { code: 'Throttled', message: 'slow down', retryable: true };
    const record = { id: 'x', unit: 'u', arrivedAt: now, time: now - 60_000, pending: ['s3-lake'], attempts: 2, error, warnings, data: { event_type: 'metric', record_id: 'theirs', a: 1 } };
    const out = enrichRecord(record, scope);
    expect(Object.keys(out).sort()).toStrictEqual(['arrivedAt', 'attempts', 'data', 'error', 'id', 'partition', 'pending', 'unit']);
    expect(out).toMatchObject({ id: 'x', unit: 'u', arrivedAt: now, pending: ['s3-lake'], attempts: 2, error });
    // the record's own fields keep their place; sluice's value wins where a name is taken
    expect(Object.keys(out.data).slice(0, 4)).toStrictEqual(['event_type', 'record_id', 'a', 'event_time']);
    expect(out.data).toMatchObject({ record_id: 'x', event_time: new Date(now - 60_000).toISOString(), metadata: { warnings } });
    expect(record.data).toStrictEqual({ event_type: 'metric', record_id: 'theirs', a: 1 });
  });

  it('partitions CloudWatch log events by their log group', () => {
    const logs: EnrichScope = { ...scope, pipeline: defaultConfig.pipelines['s0-logs-to-opensearch']! };
    const out = enrichRecord({ id: 'x', unit: 'u', time: now, data: { '@logGroup': '/aws/lambda/checkout', '@message': 'hi' } }, logs);
    expect(out.partition!.event_type).toBe('aws_lambda_checkout');
  });

  it('keeps partition values safe for S3 keys', () => {
    const out = enrichRecord({ id: 'x', unit: 'u', data: { ...businessEvent(0), event_type: '../../etc passwd' } }, scope);
    expect(out.partition!.event_type).toBe('.._.._etc_passwd');
  });
});
