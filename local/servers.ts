import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { EventEmitter, once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { SluiceConfig } from '../contracts/config.ts';
import type { ServersThreadMessage, ServersThreadOptions } from './servers-thread.ts';
import { KEY_ATTRIBUTE } from '../contracts/sinks.ts';
import { LEDGER_SHARD_INDEX, LEDGER_STATUS_INDEX } from '../contracts/ledger.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** s3rver and dynalite accept any credentials; the SDK insists on some. */
const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

export interface Servers {
  s3Endpoint: string;
  dynamoEndpoint: string;
  kinesisEndpoint: string;
  s3: S3Client;
  dynamo: DynamoDBClient;
  kinesis: KinesisClient;
  /** s3rver's notifications ('event'), as S3 would send them to EventBridge. */
  objectEvents: EventEmitter;
  /** The V8 heap of the servers' thread (the process's memoryUsage counts only the main thread's heap). */
  threadHeap(): Promise<{ usedBytes: number; totalBytes: number }>;
  /** The servers' thread's event-loop utilisation so far (how busy it was: see ThreadLoad). */
  threadLoop(): EventLoopUtilization;
  stop(): Promise<void>;
}

/** The local stream of a pipeline: a kinesis pipeline's Kinesis stream, a firehose pipeline's delivery stream. */
export const streamOf = (pipeline: string): string => `sluice-${pipeline}`;

/** The tables of the configuration's DynamoDB sinks. */
export function sinkTablesOf(config: SluiceConfig): string[] {
  return [...new Set(Object.values(config.pipelines).flatMap((p) => p.sinks.flatMap((s) => (s.type === 'dynamodb' ? [s.table] : []))))];
}

/** Every bucket the configuration names: the four of the deployment, sinks' own and triggers'. */
export function bucketsOf(config: SluiceConfig): string[] {
  const names = new Set(Object.values(config.buckets));
  for (const pipeline of Object.values(config.pipelines)) {
    for (const sink of pipeline.sinks) if (sink.type === 's3-lake' && sink.bucket) names.add(sink.bucket);
    if (pipeline.trigger) names.add(pipeline.trigger.bucket);
  }
  return [...names];
}

/** The ledger's indexes, as the CDK app deploys them: by status (all of a row), and by shard (what decode and redrive read). */
const INDEXES = [
  { IndexName: LEDGER_STATUS_INDEX.name, keys: LEDGER_STATUS_INDEX, Projection: { ProjectionType: 'ALL' as const } },
  { IndexName: LEDGER_SHARD_INDEX.name, keys: LEDGER_SHARD_INDEX, Projection: { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...LEDGER_SHARD_INDEX.attributes] } },
];

/**
 * The ledger table, with its indexes. A data folder kept from before an index has its table made again
 * with it (dynalite cannot add an index to a table): the rows are copied to a file of the data folder
 * first, then written back.
 */
async function ledgerTable(dynamo: DynamoDBClient, name: string, dataDir: string | undefined): Promise<void> {
  const keys = [...new Set(INDEXES.flatMap(({ keys }) => [keys.partitionKey, keys.sortKey]))];
  const create = () =>
    dynamo.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'batchId', AttributeType: 'S' }, ...keys.map((key) => ({ AttributeName: key, AttributeType: 'S' as const }))],
        KeySchema: [{ AttributeName: 'batchId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: INDEXES.map(({ IndexName, keys, Projection }) => ({
          IndexName,
          KeySchema: [{ AttributeName: keys.partitionKey, KeyType: 'HASH' as const }, { AttributeName: keys.sortKey, KeyType: 'RANGE' as const }],
          Projection,
        })),
      }),
    );
  const describe = () => dynamo.send(new DescribeTableCommand({ TableName: name })).then((r) => r.Table, () => undefined);
  const ready = async (done: (table: Awaited<ReturnType<typeof describe>>) => boolean) => {
    while (!done(await describe())) await sleep(20);
  };
  const existing = await describe();
  const missing = INDEXES.filter(({ IndexName }) => !existing?.GlobalSecondaryIndexes?.some((gsi) => gsi.IndexName === IndexName)).map(({ IndexName }) => IndexName);
  if (existing && missing.length === 0) return ready((t) => t?.TableStatus === 'ACTIVE');
  if (existing) {
    const rows: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamo.send(new ScanCommand({ TableName: name, ExclusiveStartKey: start }));
      rows.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    if (dataDir) await writeFile(join(dataDir, 'dynamodb', `${name}-before-${missing.join('-')}.jsonl`), rows.map((row) => JSON.stringify(row)).join('\n'));
    await dynamo.send(new DeleteTableCommand({ TableName: name }));
    await ready((t) => t === undefined);
    await create();
    await ready((t) => t?.TableStatus === 'ACTIVE');
    for (let i = 0; i < rows.length; i += 25) {
      await dynamo.send(new BatchWriteItemCommand({ RequestItems: { [name]: rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
    }
    return;
  }
  await create();
  await ready((t) => t?.TableStatus === 'ACTIVE' && t.GlobalSecondaryIndexes?.every((gsi) => gsi.IndexStatus === 'ACTIVE') === true);
}

/**
 * s3rver, dynalite and kinesalite on 127.0.0.1 (ports chosen by the system), with the buckets, the ledger table and a
 * stream per kinesis pipeline created. S3 clients need path-style addressing and checksums only when required: otherwise streamed
 * bodies are stored with aws-chunked framing.
 */
export async function startServers(config: SluiceConfig, dataDir?: string, streamShards = 1): Promise<Servers> {
  // with a data folder, objects and ledger rows outlive the process (for sluice redrive); else all is temporary
  const directory = dataDir ? join(dataDir, 's3') : await mkdtemp(join(tmpdir(), 'sluice-s3-'));
  if (dataDir) await mkdir(join(dataDir, 'dynamodb'), { recursive: true });
  // the servers answer on a thread of their own: their work (s3rver's files above all) runs on the
  // other core while the engine and the tasks run on this one
  const thread = new Worker(new URL('./servers-thread.mjs', import.meta.url), {
    workerData: {
      s3Directory: directory,
      buckets: bucketsOf(config),
      ...(dataDir ? { dynamoPath: join(dataDir, 'dynamodb'), kinesisPath: join(dataDir, 'kinesis') } : {}),
      // kinesalite's account limit is 10 shards, as a new AWS account's once was: the configuration's streams decide here
      shardLimit: Math.max(10, streamShards * Object.keys(config.pipelines).length),
    } satisfies ServersThreadOptions,
  });
  const objectEvents = new EventEmitter();
  const [first] = (await once(thread, 'message')) as [ServersThreadMessage];
  if ('failed' in first || !('ready' in first)) {
    await thread.terminate();
    throw new Error(`the local servers did not start: ${'failed' in first ? first.failed : JSON.stringify(first)}`);
  }
  thread.on('message', (message: ServersThreadMessage) => {
    if ('notification' in message) objectEvents.emit('event', message.notification);
  });
  const { s3Port, dynamoPort, kinesisPort } = first.ready;
  const s3Endpoint = `http://127.0.0.1:${s3Port}`;
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const kinesisEndpoint = `http://127.0.0.1:${kinesisPort}`;

  const s3 = new S3Client({
    endpoint: s3Endpoint,
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamo = new DynamoDBClient({ endpoint: dynamoEndpoint, region: REGION, credentials: LOCAL_CREDENTIALS });
  for (const table of sinkTablesOf(config)) {
    await dynamo
      .send(
        new CreateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: KEY_ATTRIBUTE, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: KEY_ATTRIBUTE, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      )
      .catch((error: Error) => {
        if (error.name !== 'ResourceInUseException') throw error;
      });
  }
  // kinesalite speaks HTTP/1 only: the default HTTP/2 handler of the Kinesis client fails against it
  const kinesis = new KinesisClient({ endpoint: kinesisEndpoint, region: REGION, credentials: LOCAL_CREDENTIALS, requestHandler: new NodeHttpHandler() });
  for (const [name, pipeline] of Object.entries(config.pipelines)) {
    if (pipeline.workflow !== 'kinesis') continue;
    await kinesis.send(new CreateStreamCommand({ StreamName: streamOf(name), ShardCount: streamShards })).catch((error: Error) => {
      if (error.name !== 'ResourceInUseException') throw error;
    });
    while ((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamOf(name) }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') {
      await sleep(20);
    }
  }
  await ledgerTable(dynamo, config.ledgerTable, dataDir);

  return {
    s3Endpoint,
    dynamoEndpoint,
    kinesisEndpoint,
    s3,
    dynamo,
    kinesis,
    objectEvents,
    threadLoop: () => thread.performance.eventLoopUtilization(),
    async threadHeap() {
      const heap = await thread.getHeapStatistics();
      return { usedBytes: heap.used_heap_size, totalBytes: heap.total_heap_size };
    },
    async stop() {
      s3.destroy();
      dynamo.destroy();
      kinesis.destroy();
      const stopped = once(thread, 'message');
      thread.postMessage('stop');
      await stopped;
      await thread.terminate();
      if (!dataDir) await rm(directory, { recursive: true, force: true });
    },
  };
}
