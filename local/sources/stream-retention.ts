import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/** Records a page reads once the head of a shard is found past retention. */
const PAGE = 10_000;

/**
 * Kinesis drops a stream's records once they are older than its retention (24 hours). Kinesalite
 * deletes such a record only when a GetRecords reads it, and a Pipe never reads behind its checkpoint:
 * without this, the stream's data folder grows by everything it ever took. So each shard is read from
 * TRIM_HORIZON up to its first record still retained (a GetRecords returns none older), and kinesalite
 * deletes what the reads passed. A shard whose head is retained costs one read of one record. A page
 * that comes back empty may have passed 10,000 expired records or none (both read alike): at most
 * `maxPages` are read per shard in one pass. Returns the reads made.
 */
export async function expireShards(kinesis: KinesisClient, stream: string, maxPages = 100): Promise<number> {
  let reads = 0;
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (let page = 0; iterator && page <= maxPages; page++) {
      const read = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: page === 0 ? 1 : PAGE }));
      reads++;
      // a record came back: it is retained, and every record after it too
      if ((read.Records ?? []).length > 0) break;
      iterator = read.NextShardIterator;
    }
  }
  return reads;
}
