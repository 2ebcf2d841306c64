import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { gzipSync } from 'node:zlib';
import type { Limits } from '../contracts/config.ts';
import { KEY_ATTRIBUTE } from '../contracts/sinks.ts';
import type { LocalStack } from '../local/stack.ts';
import { recordId } from '../tasks/shared/ids.ts';
import type { PipesKinesisRecord } from '../contracts/pipes-kinesis.ts';
import { pipesRecord } from '../local/samples.ts';
import { PIPES_MAX_CHARS } from './batches.ts';
import { backedUpIds } from './reasons.ts';

/**
 * Targeted batches, each a legal Pipes batch of small units whose *content* decodes into far more than
 * the units hold. Every unit is within the configured limits (maxInflatedBytes, maxRecordBytes for
 * its messages); what they test is whether a batch of them still ends with an outcome per record.
 */
export interface Probe {
  name: string;
  what: string;
  input: PipesKinesisRecord[];
}

const batch = (datas: Buffer[], shard: string) => datas.map((data, i) => pipesRecord(data, i, shard));

/** CloudWatch Logs payloads whose logGroup is copied into each of their log events' records. */
function sharedFieldProbe(limits: Limits): Probe {
  const groupBytes = Math.min(1_000_000, Math.floor(limits.maxInflatedBytes * 0.4));
  const events = Math.min(2_000, Math.floor((limits.maxInflatedBytes * 0.5) / 64));
  const perUnit = groupBytes * events;
  const units = Math.min(100, Math.ceil(600_000_000 / perUnit));
  const datas = Array.from({ length: units }, (_, u) =>
    gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        owner: '000000000000',
        logGroup: 'g'.repeat(groupBytes),
        logStream: 'probe',
        subscriptionFilters: ['sluice'],
        logEvents: Array.from({ length: events }, (_, e) => ({ id: `p1-${u}-${e}`, timestamp: 1_795_000_000_000 + e, message: 'm' })),
      }),
      { level: 9 },
    ),
  );
  return {
    name: 'cloudwatch-shared-fields',
    what: `${units} gzip'd CloudWatch payloads (${datas[0]!.length} bytes each), a ${groupBytes}-character logGroup and ${events} log events each`,
    input: batch(datas, 'shardId-000000000101'),
  };
}

/** gzip'd JSON arrays of zeros at the inflate limit: each element becomes a record of its own. */
function fanOutProbe(limits: Limits, records: number): Probe {
  const elements = Math.floor((limits.maxInflatedBytes - 2) / 2);
  const unit = gzipSync(`[${Array(elements).fill('0').join(',')}]`, { level: 9 });
  const units = Math.max(1, Math.min(Math.ceil(records / elements), Math.floor(PIPES_MAX_CHARS / (unit.length * 1.4 + 400))));
  return {
    name: 'array-fan-out',
    what: `${units} gzip'd JSON arrays (${unit.length} bytes each) of ${elements} zeros: ${units * elements} records from ${units} units`,
    input: batch(Array.from({ length: units }, () => unit), 'shardId-000000000102'),
  };
}

export function probes(limits: Limits, fanOutRecords: number): Probe[] {
  const all = [sharedFieldProbe(limits), fanOutProbe(limits, fanOutRecords)];
  for (const probe of all) {
    const chars = JSON.stringify(probe.input).length;
    if (chars > PIPES_MAX_CHARS) throw new Error(`probe ${probe.name} is ${chars} characters: not a batch Pipes could send`);
  }
  return all;
}

/** JSON with every object's keys in order (DynamoDB keeps no order of an item's fields); own `__proto__` keys included. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : typeof value === 'object' && value !== null
      ? `{${Object.keys(value)
          .sort()
          .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
          .join(',')}}`
      : JSON.stringify(value);

export interface ProtoKeyFinding {
  what: string;
  /**
   * `complete`: every field of the event is in the item as sent; `backed up`: no item, and the record is in the
   * backup bucket with its reason; `LOST`: neither; `CORRUPTED`: an item with other content than the event's.
   */
  outcome: 'complete' | 'backed up' | 'LOST' | 'CORRUPTED';
  detail?: string;
}

/**
 * Valid S3/S4 events with fields a JavaScript object treats specially (`__proto__` at the top, in the payload,
 * in an array; `constructor`, also naming a type as the document client's marshall reads it), through
 * s3-events-to-archive (DynamoDB + lake): each record's DynamoDB item must hold the event's fields as sent,
 * or not be there and be in the backup bucket. A field lost, or others written in its place, is CORRUPTED: a
 * record counted delivered with other content; a record in neither place is LOST.
 */
export async function protoKeyProbe(stack: LocalStack): Promise<{ counts: unknown; findings: ProtoKeyFinding[] }> {
  const event = (id: string, extra: string, payloadExtra = '') =>
    `{"event_id":"${id}","event_type":"transaction","timestamp":"2026-11-23T09:30:00Z"${extra},"payload":{"transaction_id":"t-${id}","amount":5,"currency":"EUR"${payloadExtra}}}`;
  const cases = [
    { what: '__proto__ key at the top level', text: event('proto-top', ',"__proto__":{"note":"kept?"}') },
    { what: '__proto__ key in the payload', text: event('proto-nested', '', ',"__proto__":{"note":"kept?"}') },
    { what: '__proto__ key in the payload, shaped like an attribute value', text: event('proto-shaped', '', ',"__proto__":{"M":{"S":"x"}}') },
    { what: '__proto__ key in an array', text: event('proto-array', ',"tags":[{"__proto__":{"S":"z"}}]') },
    { what: 'a field named constructor', text: event('constructor', ',"constructor":"c"') },
    { what: 'a field named constructor in the payload', text: event('constructor-nested', '', ',"constructor":{"prototype":{"a":1}}') },
    { what: 'a constructor field naming a type', text: event('constructor-named', '', ',"details":{"constructor":{"name":"String"},"card":"visa"}') },
  ];
  const input = batch(cases.map((c) => Buffer.from(c.text)), 'shardId-000000000103');
  const result = await stack.run('kinesis', 's3-events-to-archive', input);
  if (result.status !== 'SUCCEEDED') return { counts: result.status, findings: [{ what: 'the execution', outcome: 'LOST', detail: `${result.status}: ${result.error}` }] };
  const backedUp = await backedUpIds(stack.servers.s3, stack.config.buckets.backup, result.account!.batchId);
  const table = (stack.config.pipelines['s3-events-to-archive']!.sinks.find((s) => s.type === 'dynamodb') as { table: string }).table;
  const findings: ProtoKeyFinding[] = [];
  for (const [i, record] of input.entries()) {
    const id = recordId(`kinesis/${record.eventSourceARN!.split('/').pop()}/${record.eventID.split(':')[0]}/${record.sequenceNumber}`);
    const item = (await stack.ctx.ddb.send(new GetCommand({ TableName: table, Key: { [KEY_ATTRIBUTE]: id } }))).Item;
    const { what, text } = cases[i]!;
    if (!item) {
      findings.push(backedUp.has(id) ? { what, outcome: 'backed up' } : { what, outcome: 'LOST', detail: 'no DynamoDB item, and not in the backup bucket' });
      continue;
    }
    const sent = JSON.parse(text) as Record<string, unknown>;
    const differs = Object.keys(sent).filter((key) => canonical(item[key]) !== canonical(sent[key]));
    findings.push(differs.length === 0 ? { what, outcome: 'complete' } : { what, outcome: 'CORRUPTED', detail: differs.map((key) => `${key}: sent ${canonical(sent[key])}, stored ${canonical(item[key])}`).join('; ') });
  }
  return { counts: result.account?.counts, findings };
}
