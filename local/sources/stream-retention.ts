import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

/** The most records one read asks for. */
const MAX_LIMIT = 10_000;

/**
 * Kinesis drops a stream's records once they are older than its retention (24 hours). Kinesalite
 * deletes such a record only when a GetRecords reads it, and a Pipe never reads behind its checkpoint:
 * without this, the stream's data folder grows by everything it ever took. So each shard is read from
 * TRIM_HORIZON up to its first record still retained (a GetRecords returns none older), and kinesalite
 * deletes what the reads passed. Reads ask for 1, 10, 100, … records, up to 10,000: a shard whose head is
 * retained costs one read of one record, and the retained records a pass reads back are at most about
 * ten times the expired ones it passed. An empty read may have passed expired records or none (both
 * read alike; an empty shard keeps answering so): at most `maxPages` reads per shard in one pass, fewer
 * when `stopped` says so. Returns the reads made.
 */
export async function expireShards(kinesis: KinesisClient, stream: string, options: { maxPages?: number; stopped?: () => boolean } = {}): Promise<number> {
  const { maxPages = 20, stopped = () => false } = options;
  let reads = 0;
  const shards = (await kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    for (let page = 0; iterator && page <= maxPages && !stopped(); page++) {
      const read = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(MAX_LIMIT, 10 ** page) }));
      reads++;
      // a record came back: it is retained, and every record after it too
      if ((read.Records ?? []).length > 0) break;
      iterator = read.NextShardIterator;
    }
  }
  return reads;
}
