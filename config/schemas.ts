/**
 * The seed systems' event schemas (JSON Schema, draft 2020-12 subset understood by Ajv).
 * `x-severity` sets the severity of errors raised at that node: a record with an `error` or
 * `critical` issue is quarantined, one with only `warning`s passes and carries them.
 */
/** A time as the seeds send it: an ISO 8601 date-time or epoch milliseconds. */
export const timestamp = {
  anyOf: [
    { type: 'string', format: 'date-time' },
    { type: 'integer', minimum: 0 },
  ],
};

/** The four event types of seeds S3 and S4 (`VALID_EVENT_TYPES`). */
export const SEED_EVENT_TYPES = ['user_action', 'system_event', 'transaction', 'metric'] as const;

/**
 * Seeds S3 and S4's business event, as their processors check it and no more: `event_type`, `timestamp`
 * and `payload` required (missing: critical), `event_type` one of the four types (otherwise: error),
 * `payload` an object (critical), a `timestamp` that does not parse only a warning (seed S3's severity
 * rule), seed S3's business rule on `metrics.iops` where it reads it (`event.metrics?.iops`: a number,
 * not negative; error), and the types of the fields seed S4's transformer reads, where present.
 * Stricter per-type schemas: `examples/strict-event-schemas.config.ts`.
 */
const event = {
  type: 'object',
  'x-severity': 'critical',
  required: ['event_type', 'timestamp', 'payload'],
  properties: {
    event_type: { enum: SEED_EVENT_TYPES, 'x-severity': 'error' },
    timestamp: {
      anyOf: [
        { type: 'string', format: 'date-time', 'x-severity': 'warning' },
        { type: 'integer', minimum: 0, 'x-severity': 'warning' },
      ],
      'x-severity': 'warning',
    },
    payload: {
      type: 'object',
      'x-severity': 'critical',
      properties: {
        amount: { type: 'number' },
        session_duration: { type: 'number' },
        metric_name: { type: 'string' },
        value: { type: 'number' },
      },
    },
    metrics: {
      type: 'object',
      properties: { iops: { type: 'number', minimum: 0 } },
    },
  },
};

export const seedSchemas: Record<string, Record<string, unknown>> = {
  event,
  /** System S2: vehicle telemetry; timestamps in epoch milliseconds. */
  telemetry: {
    type: 'object',
    'x-severity': 'critical',
    required: ['vehicle_id', 'timestamp', 'session_id'],
    properties: {
      vehicle_id: { type: 'string', minLength: 1 },
      session_id: { type: 'string', minLength: 1 },
      timestamp: { type: 'integer', minimum: 1_000_000_000_000, 'x-severity': 'critical' },
      speed_kmh: { type: 'number', minimum: 0, maximum: 400 },
      engine_temp_c: { type: 'number', minimum: -60, maximum: 200 },
      battery_v: { type: 'number', minimum: 0, maximum: 1000 },
      fuel_level_pct: { type: 'number', minimum: 0, maximum: 100, 'x-severity': 'warning' },
      latitude: { type: 'number', minimum: -90, maximum: 90 },
      longitude: { type: 'number', minimum: -180, maximum: 180 },
    },
  },
  /** System S1: application log entries posted to the HTTP ingest. */
  api_log: {
    type: 'object',
    'x-severity': 'critical',
    required: ['message'],
    properties: {
      message: { type: 'string', minLength: 1 },
      level: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'], 'x-severity': 'warning' },
      service: { type: 'string' },
      timestamp,
    },
  },
};
