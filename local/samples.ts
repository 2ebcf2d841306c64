import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsPayload } from '../contracts/cloudwatch-logs.ts';
import type { FirehoseTransformRequest } from '../contracts/firehose.ts';
import type { PipesKinesisBatch, PipesKinesisRecord } from '../contracts/pipes-kinesis.ts';

/**
 * Sample inputs of the five seed systems, shaped exactly as their triggers deliver them. Deterministic
 * for a given seed time, so a test can assert on them.
 */
const BASE_TIME = Date.UTC(2026, 10, 23, 9, 30, 0);
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/sluice-events';

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');

/** A Kinesis record as EventBridge Pipes hands it to Step Functions. */
export function pipesRecord(data: string | Buffer, index: number, shard = 'shardId-000000000000'): PipesKinesisRecord {
  const sequenceNumber = `4959033827149025660855969253836157109592157598913658${String(index).padStart(4, '0')}`;
  return {
    kinesisSchemaVersion: '1.0',
    partitionKey: `pk-${index % 4}`,
    sequenceNumber,
    data: b64(data),
    approximateArrivalTimestamp: (BASE_TIME + index * 1000) / 1000,
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shard}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice-pipe',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN,
  };
}

/** Firehose numbers every record of a stream uniquely: a sample's recordIds differ with its invocation. */
const streamPosition = (invocationId: string) => String([...invocationId].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_000, 7)).padStart(6, '0');

export function firehoseRequest(datas: (string | Buffer)[], invocationId = '00540a87-5050-496a-84e4-e7d92bbaf5e2'): FirehoseTransformRequest {
  const position = streamPosition(invocationId);
  return {
    invocationId,
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/sluice-ingest',
    region: 'us-east-1',
    records: datas.map((data, i) => ({
      recordId: `495469866831355442865074579363216256757001924711${position}${String(i).padStart(4, '0')}`,
      approximateArrivalTimestamp: BASE_TIME + i * 1000,
      data: b64(data),
    })),
  };
}

export function cloudWatchPayload(events: number, offset = 0, messageType: CloudWatchLogsPayload['messageType'] = 'DATA_MESSAGE'): CloudWatchLogsPayload {
  return {
    messageType,
    owner: '000000000000',
    logGroup: '/aws/lambda/checkout',
    logStream: '2026/11/23/[$LATEST]a1b2c3',
    subscriptionFilters: ['sluice'],
    logEvents:
      messageType === 'CONTROL_MESSAGE'
        ? []
        : Array.from({ length: events }, (_, i) => ({
            id: `3719590283716728397428374629384750192837465019283746${String(offset + i).padStart(4, '0')}`,
            timestamp: BASE_TIME + (offset + i) * 10,
            message: `{"level":"info","msg":"order ${offset + i} placed","latency_ms":${(offset + i) % 250}}`,
          })),
  };
}

/** S0: gzip'd CloudWatch Logs batches through Firehose, plus one control message. */
export function s0Request(batches = 3, eventsPerBatch = 4, firstEvent = 0): FirehoseTransformRequest {
  const datas = Array.from({ length: batches }, (_, b) => gzipSync(JSON.stringify(cloudWatchPayload(eventsPerBatch, firstEvent + b * eventsPerBatch))));
  datas.push(gzipSync(JSON.stringify(cloudWatchPayload(0, 0, 'CONTROL_MESSAGE'))));
  return firehoseRequest(datas, `inv-${firstEvent}`);
}

/** S1: application logs posted to the HTTP ingest; one without a message, one plain text line. */
export function s1Request(): FirehoseTransformRequest {
  return firehoseRequest([
    JSON.stringify({ message: 'user signed in', level: 'info', service: 'auth', timestamp: '2026-11-23T09:30:00Z' }),
    JSON.stringify({ message: 'payment declined', level: 'error', service: 'billing', timestamp: '2026-11-23T09:30:01Z' }),
    JSON.stringify({ level: 'warn', service: 'billing' }),
    'plain text line from a legacy service',
    JSON.stringify({ message: 'cache miss', level: 'verbose', service: 'catalog' }),
  ]);
}

export function telemetry(i: number): Record<string, unknown> {
  return {
    vehicle_id: `VH-${String(i % 5).padStart(3, '0')}`,
    session_id: `s-${Math.floor(i / 5)}`,
    timestamp: BASE_TIME + i * 1000,
    speed_kmh: 40 + (i % 80),
    engine_temp_c: 85 + (i % 10),
    battery_v: 12.6,
    fuel_level_pct: 50 + (i % 40),
    latitude: 52.52 + i / 1000,
    longitude: 13.4 + i / 1000,
  };
}

/** S2: vehicle telemetry via Kinesis; one record with a timestamp in seconds, one not base64 at all. */
export function s2Batch(count = 8): PipesKinesisBatch {
  const records = Array.from({ length: count }, (_, i) => pipesRecord(JSON.stringify(telemetry(i)), i));
  records.push(pipesRecord(JSON.stringify({ ...telemetry(count), timestamp: 1763890200 }), count));
  records.push({ ...pipesRecord('', count + 1), data: 'not base64!' });
  return records;
}

const EVENT_TYPES = ['user_action', 'transaction', 'metric', 'system_event'] as const;

/** An S3/S4 business event of the four seed types. */
export function businessEvent(i: number, spacingMs = 60_000): Record<string, unknown> {
  const event_type = EVENT_TYPES[i % 4]!;
  const timestamp = new Date(BASE_TIME + i * spacingMs).toISOString();
  const payloads: Record<(typeof EVENT_TYPES)[number], Record<string, unknown>> = {
    user_action: { user_id: `u-${i % 17}`, action: 'view_item', session_duration: (i * 37) % 900 },
    transaction: { transaction_id: `t-${i}`, amount: [5, 42, 420, 4200][Math.floor(i / 4) % 4]! + (i % 10), currency: 'EUR', user_id: `u-${i % 17}` },
    metric: { metric_name: 'cpu_percent', value: (i * 13) % 100 },
    system_event: { component: 'checkout', level: 'info', message: 'deployed' },
  };
  // seed S3 reads an event's metrics at the top level (`event.metrics?.iops`)
  const metrics = event_type === 'metric' ? { metrics: { iops: 100 + i, latency: 12, errorRate: 0.5 } } : {};
  return { event_id: `e-${i}`, event_type, timestamp, payload: payloads[event_type], ...metrics };
}

/** S3/S4: business events via Kinesis; a negative iops, a missing payload and a truncated gzip among them. */
export function eventsBatch(count = 12, shard?: string): PipesKinesisBatch {
  const records = Array.from({ length: count }, (_, i) => pipesRecord(JSON.stringify(businessEvent(i)), i, shard));
  const bad = [
    JSON.stringify({ ...businessEvent(2), metrics: { iops: -5 } }),
    JSON.stringify({ event_type: 'metric', timestamp: '2026-11-23T09:30:00Z' }),
    gzipSync(JSON.stringify(businessEvent(3))).subarray(0, 20),
  ];
  bad.forEach((data, i) => records.push(pipesRecord(data, count + i, shard)));
  return records;
}

/** JSON Lines of business events, as a producer would drop them into the raw bucket. */
export function eventsJsonl(count: number): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify(businessEvent(i))).join('\n') + '\n';
}
