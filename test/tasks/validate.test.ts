import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import type { Body, Rec } from '../../contracts/batch.ts';
import { loadConfigFile } from '../../config/load-file.ts';
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

  it("applies seed S3's rule on metrics.iops where the seed reads it, top level, with the path and severity", () => {
    const bad = { ...businessEvent(2), metrics: { iops: -1 } };
    const out = validateBody(body(rec(bad)), events, schemas);
    expect(out.quarantined[0]).toMatchObject({ id: 'id0', unit: 'u0', reason: 'schema-validation', severity: 'error', raw: JSON.stringify(bad) });
    expect(out.quarantined[0]!.errors).toStrictEqual([{ path: 'metrics.iops', message: 'must be >= 0', severity: 'error' }]);
  });

  it('checks no more than the seeds: a negative amount or a lower-case currency passes the default schema', () => {
    const loose = { ...businessEvent(1), payload: { transaction_id: 't', amount: -5, currency: 'euro' } };
    expect(validateBody(body(rec(loose)), events, schemas).records).toHaveLength(1);
  });

  it("checks seed S4's field types where present", () => {
    const out = validateBody(body(rec({ ...businessEvent(1), payload: { amount: 'five' } })), events, schemas);
    expect(out.quarantined[0]!.errors).toStrictEqual([{ path: 'payload.amount', message: 'must be number', severity: 'error' }]);
  });

  it('marks a missing required top-level field critical, a payload that is not an object critical', () => {
    const out = validateBody(body(rec({ event_type: 'metric', timestamp: '2026-11-23T09:30:00Z' }), rec({ ...businessEvent(0), payload: 'x' }, 1)), events, schemas);
    expect(out.quarantined.map((q) => q.severity)).toStrictEqual(['critical', 'critical']);
    expect(out.quarantined[0]!.errors).toContainEqual({ path: 'payload', message: "must have required property 'payload'", severity: 'critical' });
    expect(out.quarantined[1]!.errors).toStrictEqual([{ path: 'payload', message: 'must be object', severity: 'critical' }]);
  });

  it('quarantines an event type outside the four as an error, a missing one as critical', () => {
    const out = validateBody(body(rec({ event_type: 'refund', timestamp: 1, payload: {} }), rec({ timestamp: 1, payload: {} }, 1)), events, schemas);
    expect(out.quarantined.map((q) => [q.severity, q.errors[0]!.path, q.errors[0]!.message])).toStrictEqual([
      ['error', 'event_type', 'must be equal to one of the allowed values'],
      ['critical', 'event_type', "must have required property 'event_type'"],
    ]);
  });

  it("lets an event whose timestamp does not parse pass with a warning (seed S3's severity rule)", () => {
    const out = validateBody(body(rec({ ...businessEvent(0), timestamp: 'yesterday' })), events, schemas);
    expect(out.quarantined).toHaveLength(0);
    expect(out.records[0]!.warnings?.map((w) => [w.path, w.severity])).toContainEqual(['timestamp', 'warning']);
    expect(out.records[0]!.warnings?.every((w) => w.severity === 'warning')).toBe(true);
  });

  it('the strict example configuration picks a schema per type and quarantines what the seeds let through', async () => {
    const strict = await loadConfigFile('examples/strict-event-schemas.config.ts', {});
    const rules = strict.pipelines['s3-events-to-archive']!.validation;
    const bad = { ...businessEvent(1), payload: { transaction_id: 't', amount: -5, currency: 'euro' } };
    const out = validateBody(body(rec(bad), rec({ event_type: 'refund', timestamp: 1, payload: {} }, 1), ...[0, 1, 2, 3].map((i) => rec(businessEvent(i), i + 2))), rules, validators(strict));
    expect(out.records).toHaveLength(4);
    expect(out.quarantined[0]!.errors).toStrictEqual([
      { path: 'payload.amount', message: 'must be >= 0', severity: 'error' },
      { path: 'payload.currency', message: 'must match pattern "^[A-Z]{3}$"', severity: 'error' },
    ]);
    expect(out.quarantined[1]!.errors[0]).toStrictEqual({ path: 'event_type', message: 'unknown event type "refund"', severity: 'critical' });
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
