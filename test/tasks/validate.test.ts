import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import type { Body, Rec } from '../../contracts/batch.ts';
import { businessEvent, telemetry } from '../../local/samples.ts';
import { emptyBody } from '../../tasks/shared/body.ts';
import { validators } from '../../tasks/validate/schemas.ts';
import { validateBody } from '../../tasks/validate/validate.ts';

const events = defaultConfig.pipelines['s3-events-to-archive']!.validation;
const telemetryRules = defaultConfig.pipelines['s2-telemetry-to-lake']!.validation;
const schemas = validators(defaultConfig);
const rec = (data: Record<string, unknown>, i = 0): Rec => ({ id: `id${i}`, unit: `u${i}`, data });
const body = (...records: Rec[]): Body => ({ ...emptyBody(), records });

describe('validate', () => {
  it('passes a valid event of each seed type', () => {
    const out = validateBody(body(...[0, 1, 2, 3].map((i) => rec(businessEvent(i), i))), events, schemas);
    expect(out.records).toHaveLength(4);
    expect(out.quarantined).toHaveLength(0);
  });

  it('quarantines a business-rule violation with the path, message and severity of every error', () => {
    const bad = { ...businessEvent(1), payload: { transaction_id: 't', amount: -5, currency: 'euro' } };
    const out = validateBody(body(rec(bad)), events, schemas);
    expect(out.records).toHaveLength(0);
    expect(out.quarantined[0]).toMatchObject({ id: 'id0', unit: 'u0', reason: 'schema-validation', severity: 'error', raw: JSON.stringify(bad) });
    expect(out.quarantined[0]!.errors).toStrictEqual([
      { path: 'payload.amount', message: 'must be >= 0', severity: 'error' },
      { path: 'payload.currency', message: 'must match pattern "^[A-Z]{3}$"', severity: 'error' },
    ]);
  });

  it('rejects metrics.iops below zero', () => {
    const metric = businessEvent(2);
    const bad = { ...metric, payload: { ...(metric.payload as object), metrics: { iops: -1 } } };
    expect(validateBody(body(rec(bad)), events, schemas).quarantined[0]!.errors).toStrictEqual([
      { path: 'payload.metrics.iops', message: 'must be >= 0', severity: 'error' },
    ]);
  });

  it('marks a missing required top-level field critical', () => {
    const out = validateBody(body(rec({ event_type: 'metric', timestamp: '2026-11-23T09:30:00Z' })), events, schemas);
    expect(out.quarantined[0]!.severity).toBe('critical');
    expect(out.quarantined[0]!.errors).toContainEqual({ path: 'payload', message: "must have required property 'payload'", severity: 'critical' });
  });

  it('quarantines an unknown event type and a missing one', () => {
    const out = validateBody(body(rec({ event_type: 'refund', timestamp: 1, payload: {} }), rec({ timestamp: 1 }, 1)), events, schemas);
    expect(out.quarantined.map((q) => q.errors[0]!.message)).toStrictEqual(['unknown event type "refund"', 'missing event_type']);
    expect(out.quarantined.every((q) => q.severity === 'critical')).toBe(true);
  });

  it('lets a record with only warnings pass, carrying them', () => {
    const out = validateBody(body(rec({ ...telemetry(1), fuel_level_pct: 140 })), telemetryRules, schemas);
    expect(out.quarantined).toHaveLength(0);
    expect(out.records[0]!.warnings).toStrictEqual([{ path: 'fuel_level_pct', message: 'must be <= 100', severity: 'warning' }]);
  });

  it('quarantines telemetry whose timestamp is in seconds, not milliseconds', () => {
    const out = validateBody(body(rec({ ...telemetry(1), timestamp: 1763890200 })), telemetryRules, schemas);
    expect(out.quarantined[0]!.errors).toStrictEqual([{ path: 'timestamp', message: 'must be >= 1000000000000', severity: 'critical' }]);
  });

  it('passes everything when the pipeline declares no validation', () => {
    const input = body(rec({ anything: true }));
    expect(validateBody(input, undefined, schemas)).toBe(input);
  });

  it('fails at load, naming the schema, when a configured schema does not compile', () => {
    expect(() => validators({ ...defaultConfig, schemas: { broken: { type: 'nonsense' } } })).toThrow(/^schemas\.broken: /);
  });
});
