import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, PutRecordsCommand, type _Record } from '@aws-sdk/client-kinesis';
import type { PipesKinesisRecord } from '../contracts/pipes-kinesis.ts';
import type { ExecutionResult, TraceEvent } from './engine.ts';
import { streamOf } from './servers.ts';
import type { LocalStack } from './stack.ts';

const STREAM_ARN = (stream: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`;

/** A Kinesis record as EventBridge Pipes hands it to a Step Functions target: flat, base64 data, eventID = shard:sequence. */
export function toPipesRecord(record: _Record, shardId: string, stream: string): PipesKinesisRecord {
  return {
    kinesisSchemaVersion: '1.0',
    partitionKey: record.PartitionKey!,
    sequenceNumber: record.SequenceNumber!,
    data: Buffer.from(record.Data!).toString('base64'),
    approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice-pipe',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN(stream),
  };
}

/** What a producer does: PutRecords onto the pipeline's local stream, 500 at a time. */
export async function putRecords(stack: LocalStack, pipeline: string, datas: (string | Buffer)[]): Promise<void> {
  for (let i = 0; i < datas.length; i += 500) {
    const entries = datas.slice(i, i + 500).map((data, j) => ({ Data: Buffer.from(data), PartitionKey: `pk-${(i + j) % 16}` }));
    const result = await stack.servers.kinesis.send(new PutRecordsCommand({ StreamName: streamOf(pipeline), Records: entries }));
    if (result.FailedRecordCount) throw new Error(`${result.FailedRecordCount} records were refused by the local stream`);
  }
}

/** Where each shard was read up to: a pipe resumes after the last batch its workflow acknowledged. */
const checkpoints = new WeakMap<LocalStack, Map<string, string>>();

/**
 * What an EventBridge Pipe does, on the local stream: reads each shard in order, hands batches of
 * `batchSize` to the kinesis workflow and waits for the reply (REQUEST_RESPONSE). A batch is
 * acknowledged (the checkpoint moves past it) only when the execution SUCCEEDED with no
 * batchItemFailures; otherwise reading stops there, to start again from it next time.
 */
export async function drainStream(stack: LocalStack, pipeline: string, batchSize = 100, onEvent?: (event: TraceEvent) => void): Promise<ExecutionResult[]> {
  const stream = streamOf(pipeline);
  const kinesis = stack.servers.kinesis;
  let done = checkpoints.get(stack);
  if (!done) checkpoints.set(stack, (done = new Map()));
  const results: ExecutionResult[] = [];
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const shard of shards) {
    const key = `${stream}/${shard.ShardId}`;
    const after = done.get(key);
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }));
      const records = page.Records ?? [];
      if (records.length === 0) break;
      const result = await stack.run('kinesis', pipeline, records.map((r) => toPipesRecord(r, shard.ShardId!, stream)), onEvent);
      results.push(result);
      const failures = (result.output as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures ?? [];
      if (result.status !== 'SUCCEEDED' || failures.length > 0) break;
      done.set(key, records[records.length - 1]!.SequenceNumber!);
      iterator = page.NextShardIterator;
    }
  }
  return results;
}
