import { LIMIT_DEFAULTS, type SluiceConfig } from '../contracts/config.ts';
import { seedSchemas } from './schemas.ts';

/** Seeds S3 and S4: one schema for every business event, its type read for the lake's partitions. */
const eventTypes = { typeField: 'event_type', fallback: 'event' };

/** The default deployment: one pipeline for each of the five seed systems. */
export const defaultConfig: SluiceConfig = {
  buckets: { raw: 'sluice-raw', lake: 'sluice-lake', backup: 'sluice-backup', work: 'sluice-work' },
  ledgerTable: 'sluice-ledger',
  limits: LIMIT_DEFAULTS,
  schemas: seedSchemas,
  pipelines: {
    's0-logs-to-opensearch': {
      workflow: 'firehose',
      firehoseMode: 'metadata',
      description: 'CloudWatch Logs via Firehose: one OpenSearch document per log event, a metadata record back to Firehose',
      sinks: [
        { type: 'opensearch', index: 'cwl' },
        { type: 's3-lake', prefix: 'logs', gzip: true },
      ],
    },
    's1-api-to-newrelic': {
      workflow: 'firehose',
      firehoseMode: 'transform',
      description: 'HTTP ingest via Firehose: transformed records back to Firehose (Ok / ProcessingFailed / Dropped) for New Relic',
      validation: { fallback: 'api_log' },
      sinks: [{ type: 'firehose-response' }],
    },
    's2-telemetry-to-lake': {
      workflow: 'kinesis',
      description: 'Vehicle telemetry via Kinesis: validated and partitioned into the S3 lake as Parquet (Snappy)',
      validation: { fallback: 'telemetry' },
      sinks: [
        {
          type: 's3-lake',
          prefix: 'telemetry',
          format: 'parquet',
          columns: {
            record_id: 'STRING',
            vehicle_id: 'STRING',
            session_id: 'STRING',
            timestamp: 'TIMESTAMP',
            speed_kmh: 'DOUBLE',
            engine_temp_c: 'DOUBLE',
            battery_v: 'DOUBLE',
            fuel_level_pct: 'DOUBLE',
            latitude: 'DOUBLE',
            longitude: 'DOUBLE',
            ingested_at: 'TIMESTAMP',
            metadata: 'JSON',
          },
        },
      ],
    },
    's3-events-to-archive': {
      workflow: 'kinesis',
      description: 'API events via Kinesis: schema and business rules, malformed quarantined, items in DynamoDB, archive to the S3 lake',
      validation: eventTypes,
      sinks: [
        { type: 'dynamodb', table: 'sluice-events' },
        { type: 's3-lake', prefix: 'archive' },
      ],
    },
    's4-events-raw': {
      workflow: 'kinesis',
      description: 'Producer events via Kinesis: validated, partitioned JSONL in the raw bucket',
      validation: eventTypes,
      // S4's producer is the busy one: its small events (~180 bytes) in batches of 300, a third of the executions and
      // raw objects of the default 100 (223,000 bytes of the 262,144 a Pipe hands over)
      pipe: { batchSize: 300 },
      sinks: [{ type: 's3-lake', bucket: 'sluice-raw', prefix: 'events' }],
    },
    's4-events-processed': {
      workflow: 's3',
      description: 'Raw JSONL objects: enriched with business rules into the processed prefix of the lake',
      trigger: { bucket: 'sluice-raw', prefix: 'events/', suffix: '.jsonl' },
      validation: eventTypes,
      enrichment: {
        s4: {
          highValueThreshold: 1000,
          amountBounds: { micro: 10, small: 100, medium: 1000 },
          sessionBounds: { short: 60, medium: 600 },
          metricRanges: { cpu_percent: [0, 90], latency_ms: [0, 500], iops: [0, 20_000] },
        },
      },
      sinks: [{ type: 's3-lake', prefix: 'processed' }],
    },
  },
};
