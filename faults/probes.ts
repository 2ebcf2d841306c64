import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { gzipSync } from 'node:zlib';
import type { Limits } from '../contracts/config.ts';
import { KEY_ATTRIBUTE } from '../contracts/sinks.ts';
import type { LocalStack } from '../local/stack.ts';
import { recordId } from '../tasks/shared/ids.ts';
import type { PipesKinesisRecord } from '../contracts/pipes-kinesis.ts';
import { pipesRecord } from '../local/samples.ts';
import { PIPES_MAX_CHARS } from './batches.ts';

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

/**
 * A valid S3/S4 event whose payload has a `__proto__` key and whose top level has a `constructor` field,
 * through s3-events-to-archive (DynamoDB + lake): returns what the DynamoDB item lost or why it is not there.
 */
export async function protoKeyProbe(stack: LocalStack): Promise<string[]> {
  const event = (id: string, extra: string, payloadExtra = '') =>
    `{"event_id":"${id}","event_type":"transaction","timestamp":"2026-11-23T09:30:00Z"${extra},"payload":{"transaction_id":"t-${id}","amount":5,"currency":"EUR"${payloadExtra}}}`;
  const cases = [
    { what: '__proto__ key at the top level', text: event('proto-top', ',"__proto__":{"note":"kept?"}'), key: (item: Record<string, unknown>) => Object.hasOwn(item, '__proto__') },
    { what: '__proto__ key in the payload', text: event('proto-nested', '', ',"__proto__":{"note":"kept?"}'), key: (item: Record<string, unknown>) => Object.hasOwn(item.payload as object, '__proto__') },
    { what: 'a field named constructor', text: event('constructor', ',"constructor":"c"'), key: (item: Record<string, unknown>) => Object.getOwnPropertyDescriptor(item, 'constructor')?.value === 'c' },
  ];
  const input = batch(cases.map((c) => Buffer.from(c.text)), 'shardId-000000000103');
  const result = await stack.run('kinesis', 's3-events-to-archive', input);
  if (result.status !== 'SUCCEEDED') return [`execution ${result.status}: ${result.error}`];
  const table = (stack.config.pipelines['s3-events-to-archive']!.sinks.find((s) => s.type === 'dynamodb') as { table: string }).table;
  const findings: string[] = [`counts ${JSON.stringify(result.account?.counts)}`];
  for (const [i, record] of input.entries()) {
    const id = recordId(`kinesis/${record.eventSourceARN!.split('/').pop()}/${record.eventID.split(':')[0]}/${record.sequenceNumber}`);
    const item = (await stack.ctx.ddb.send(new GetCommand({ TableName: table, Key: { [KEY_ATTRIBUTE]: id } }))).Item;
    const { what, key } = cases[i]!;
    findings.push(`${what}: ${!item ? 'no DynamoDB item (backed up)' : key(item) ? 'item complete' : `item written WITHOUT the field (keys: ${Object.keys(item).join(', ')})`}`);
  }
  return findings;
}
