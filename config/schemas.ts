/**
 * The seed systems' event schemas (JSON Schema, draft 2020-12 subset understood by Ajv).
 * `x-severity` sets the severity of errors raised at that node: a record with an `error` or
 * `critical` issue is quarantined, one with only `warning`s passes and carries them.
 */
const timestamp = {
  anyOf: [
    { type: 'string', format: 'date-time' },
    { type: 'integer', minimum: 0 },
  ],
};

const event = (payload: Record<string, unknown>) => ({
  type: 'object',
  'x-severity': 'critical',
  required: ['event_type', 'timestamp', 'payload'],
  properties: {
    event_type: { type: 'string', minLength: 1 },
    timestamp: { ...timestamp, 'x-severity': 'critical' },
    event_id: { type: 'string' },
    payload: { type: 'object', 'x-severity': 'error', ...payload },
  },
});

export const seedSchemas: Record<string, Record<string, unknown>> = {
  user_action: event({
    required: ['user_id', 'action'],
    properties: {
      user_id: { type: 'string', minLength: 1 },
      action: { type: 'string', minLength: 1 },
      session_duration: { type: 'number', minimum: 0 },
    },
  }),
  transaction: event({
    required: ['transaction_id', 'amount', 'currency'],
    properties: {
      transaction_id: { type: 'string', minLength: 1 },
      amount: { type: 'number', minimum: 0 },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      user_id: { type: 'string' },
    },
  }),
  metric: event({
    required: ['metric_name', 'value'],
    properties: {
      metric_name: { type: 'string', minLength: 1 },
      value: { type: 'number' },
      metrics: {
        type: 'object',
        properties: {
          iops: { type: 'number', minimum: 0 },
          latency_ms: { type: 'number', minimum: 0 },
          cpu_percent: { type: 'number', minimum: 0, maximum: 100 },
        },
      },
    },
  }),
  system_event: event({
    required: ['component', 'level'],
    properties: {
      component: { type: 'string', minLength: 1 },
      level: { enum: ['debug', 'info', 'warning', 'error', 'critical'] },
      message: { type: 'string' },
    },
  }),
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
