/**
 * An example configuration: the default pipelines with stricter schemas than the seeds wrote, one per
 * event type of seeds S3 and S4 (required payload fields, amounts not negative, ISO currency codes,
 * metric ranges). Run any command with it: `sluice run --config examples/strict-event-schemas.config.ts …`.
 * Start your own from it, or from `sluice config` (the default as JSON).
 */
import type { SluiceConfig } from '../contracts/config.ts';
import { defaultConfig } from '../config/default.ts';
import { timestamp } from '../config/schemas.ts';

const event = (payload: Record<string, unknown>) => ({
  type: 'object',
  'x-severity': 'critical',
  required: ['event_type', 'timestamp', 'payload'],
  properties: {
    event_type: { type: 'string', minLength: 1 },
    timestamp: { ...timestamp, 'x-severity': 'critical' },
    event_id: { type: 'string' },
    payload: { type: 'object', 'x-severity': 'error', ...payload },
    metrics: {
      type: 'object',
      properties: {
        iops: { type: 'number', minimum: 0 },
        latency: { type: 'number', minimum: 0 },
        errorRate: { type: 'number', minimum: 0, maximum: 100 },
      },
    },
  },
});

export const strictEventSchemas: Record<string, Record<string, unknown>> = {
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
};

/** Each business-event pipeline picks its schema by `event_type`; an unknown type is quarantined as critical. */
const byType = {
  typeField: 'event_type',
  types: Object.fromEntries(Object.keys(strictEventSchemas).map((type) => [type, type])),
};

const config: SluiceConfig = {
  ...defaultConfig,
  schemas: { ...defaultConfig.schemas, ...strictEventSchemas },
  pipelines: Object.fromEntries(
    Object.entries(defaultConfig.pipelines).map(([name, pipeline]) => [name, pipeline.validation?.fallback === 'event' ? { ...pipeline, validation: byType } : pipeline]),
  ),
};

export default config;
