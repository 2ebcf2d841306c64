import { ExpiredIteratorException, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand, type KinesisClient, type PutRecordsCommandOutput, type _Record } from '@aws-sdk/client-kinesis';
import { KINESIS_LIMITS } from '../../contracts/kinesis-limits.ts';
import { PIPES_TARGET_PAYLOAD_CHARS } from '../../contracts/pipe-settings.ts';
import { toPipesRecord, type PipesKinesisRecord } from '../../contracts/pipes-kinesis.ts';
import { MemoryCheckpoints, type Checkpoints } from './checkpoints.ts';
import { PartlyPut, type NotPut } from './partly-put.ts';
import type { ExecutionResult, TraceEvent } from '../engine.ts';
import { streamOf } from '../servers.ts';
import type { LocalStack } from '../stack.ts';

/**
 * How many of `records`, from the first, one batch takes: at most `batchSize`, and their JSON array
 * within what a Pipe hands a Step Functions target. 0 when the first record alone does not fit. Counted
 * in UTF-8 bytes, as Step Functions counts an execution's input (the same as characters but for a
 * partition key outside ASCII).
 */
export function fitBatch(records: PipesKinesisRecord[], batchSize: number): number {
  let bytes = 2;
  let n = 0;
  for (const record of records) {
    if (n === batchSize) break;
    bytes += Buffer.byteLength(JSON.stringify(record)) + (n > 0 ? 1 : 0);
    if (bytes > PIPES_TARGET_PAYLOAD_CHARS) break;
    n += 1;
  }
  return n;
}

/**
 * `count` records, `record(n, batch)` the n-th, in batches of up to `batchSize` cut as a Pipe cuts them
 * (`fitBatch`); a record that fits no batch alone is an error.
 */
export function pipesBatchesOf(count: number, batchSize: number, record: (n: number, batch: number) => PipesKinesisRecord): PipesKinesisRecord[][] {
  const batches: PipesKinesisRecord[][] = [];
  for (let n = 0; n < count; ) {
    const batch = batches.length;
    const candidates = Array.from({ length: Math.min(batchSize, count - n) }, (_, i) => record(n + i, batch));
    const fits = fitBatch(candidates, batchSize);
    if (fits === 0) throw new Error(`record ${n} does not fit a Pipes batch alone`);
    batches.push(candidates.slice(0, fits));
    n += fits;
  }
  return batches;
}


/** Records cut into PutRecords requests, in order, each within Kinesis' 500 records and 5 MiB. */
export function putRecordsRequests<Entry extends { Data: Uint8Array; PartitionKey: string }>(entries: Entry[]): Entry[][] {
  const requests: Entry[][] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.Data.length + Buffer.byteLength(entry.PartitionKey);
    const request = requests.at(-1);
    if (request && request.length < KINESIS_LIMITS.putRecordsRecords && bytes + size <= KINESIS_LIMITS.putRecordsBytes) {
      request.push(entry);
      bytes += size;
    } else {
      requests.push([entry]);
      bytes = size;
    }
  }
  return requests;
}

/**
 * What a producer does: PutRecords onto the pipeline's local stream, a request of 500 records or 5 MiB at a time; returns the eventIDs
 * a Pipe will give them. When only some were put (a later request failed, or the stream refused records one by one), throws PartlyPut:
 * what was put stays on the stream. Partition keys `pk-0` to `pk-14` by position: the same shards every run (the tests rely on it),
 * and 15 keys, not 16, so that a generator that cycles through 4 event types does not give each key, and so each shard, a type of its own.
 */
export async function putRecords(stack: LocalStack, pipeline: string, datas: (string | Buffer)[]): Promise<string[]> {
  const entries = datas.map((data, i) => ({ Data: Buffer.from(data), PartitionKey: `pk-${i % 15}` }));
  const ids: string[] = [];
  const failed: NotPut[] = [];
  let index = 0;
  for (const request of putRecordsRequests(entries)) {
    let result: PutRecordsCommandOutput;
    try {
      result = await stack.servers.kinesis.send(new PutRecordsCommand({ StreamName: streamOf(pipeline), Records: request }));
    } catch (error) {
      if (ids.length === 0) throw error;
      // the requests after a failed one are not sent: the stream is likely down, and sent now they would land ahead of its records
      for (let i = index; i < entries.length; i++) failed.push({ index: i, error: (error as Error).message });
      throw new PartlyPut(ids, failed);
    }
    (result.Records ?? []).forEach((record, j) => {
      if (record.ErrorCode) failed.push({ index: index + j, error: `${record.ErrorCode}: ${record.ErrorMessage}` });
      else ids.push(`${record.ShardId}:${record.SequenceNumber}`);
    });
    index += request.length;
  }
  if (failed.length > 0) throw new PartlyPut(ids, failed);
  return ids;
}

/** One page of a shard: the records read, and where to read next. */
export interface ShardReader {
  shardId: string;
  /** `stream/shard`: the checkpoint's key. */
  key: string;
  read(limit: number): Promise<_Record[]>;
}

/**
 * A shard read from after `after` (a checkpoint) or from TRIM_HORIZON. A shard iterator lives 300 s: a
 * reader that paused longer (a lane stuck retrying holds it back, or the machine slept) gets
 * ExpiredIteratorException, and asks for a new iterator after the last record it returned, as the
 * Kinesis docs and the KCL do. Any other error is the caller's: the reader keeps its place, and the
 * next read tries again from it.
 */
async function shardReader(kinesis: KinesisClient, stream: string, shardId: string, after: string | undefined): Promise<ShardReader> {
  let last = after;
  const iteratorFrom = async () =>
    (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shardId,
          ...(last ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: last } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;
  let iterator = await iteratorFrom();
  const page = async (limit: number) => {
    try {
      return await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    } catch (error) {
      if (!(error instanceof ExpiredIteratorException)) throw error;
      process.stderr.write(`sluice: ${stream}/${shardId}: its shard iterator expired (no read for 5 minutes); reading on ${last ? `after ${last}` : 'from TRIM_HORIZON'} with a new one\n`);
      iterator = await iteratorFrom();
      return kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    }
  };
  return {
    shardId,
    key: `${stream}/${shardId}`,
    async read(limit: number) {
      // a closed shard has no next iterator: nothing more to read
      if (!iterator) return [];
      const { Records: records = [], NextShardIterator } = await page(limit);
      iterator = NextShardIterator;
      if (records.length > 0) last = records[records.length - 1]!.SequenceNumber;
      return records;
    },
  };
}

/** Readers for every shard of a pipeline's stream, each starting after its checkpoint (or at TRIM_HORIZON). */
export async function shardReaders(stack: LocalStack, pipeline: string, checkpoints: Checkpoints): Promise<ShardReader[]> {
  const stream = streamOf(pipeline);
  const kinesis = stack.servers.kinesis;
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  return Promise.all(shards.map((shard) => shardReader(kinesis, stream, shard.ShardId!, checkpoints.get(`${stream}/${shard.ShardId}`))));
}

/** Whether the kinesis workflow took a batch: SUCCEEDED with no batchItemFailures. */
export const acknowledged = (result: ExecutionResult): boolean =>
  result.status === 'SUCCEEDED' && ((result.output as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures ?? []).length === 0;

/** Where each shard was read up to, per stack, for the one-shot drains of the demo and the tests. */
const memory = new WeakMap<LocalStack, Checkpoints>();

/**
 * One pass of a Pipe over what is on the stream now: reads each shard in order, hands batches of
 * `batchSize`, cut to what a Step Functions target takes (fitBatch), to the kinesis workflow and waits for
 * the reply (REQUEST_RESPONSE). A batch is acknowledged (the checkpoint moves past it) only when the
 * workflow took it; otherwise reading stops there, to start again from it next time. The running
 * stack's Pipe (pipe-runner.ts) retries instead.
 */
export async function drainStream(stack: LocalStack, pipeline: string, batchSize = 100, onEvent?: (event: TraceEvent) => void): Promise<ExecutionResult[]> {
  let checkpoints = memory.get(stack);
  if (!checkpoints) memory.set(stack, (checkpoints = new MemoryCheckpoints()));
  const stream = streamOf(pipeline);
  const results: ExecutionResult[] = [];
  for (const reader of await shardReaders(stack, pipeline, checkpoints)) {
    let taken = true;
    while (taken) {
      const records = await reader.read(batchSize);
      if (records.length === 0) break;
      const all = records.map((r) => toPipesRecord(r, reader.shardId, stream));
      for (let at = 0; taken && at < all.length; ) {
        const batch = all.slice(at, at + fitBatch(all.slice(at), batchSize));
        if (batch.length === 0) throw new Error(`${reader.key}: record ${all[at]!.sequenceNumber} in its Pipes envelope is over the ${PIPES_TARGET_PAYLOAD_CHARS} characters a Step Functions target takes`);
        const result = await stack.run('kinesis', pipeline, batch, onEvent);
        results.push(result);
        taken = acknowledged(result);
        if (taken) await checkpoints.set(reader.key, batch.at(-1)!.sequenceNumber);
        at += batch.length;
      }
    }
  }
  return results;
}
