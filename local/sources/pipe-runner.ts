import type { _Record } from '@aws-sdk/client-kinesis';
import type { Checkpoints } from './checkpoints.ts';
import type { ExecutionResult } from '../engine.ts';
import { PIPES_TARGET_PAYLOAD_CHARS, type PipeSettings } from '../../contracts/pipe-settings.ts';
import { toPipesRecord, type PipesKinesisRecord } from '../../contracts/pipes-kinesis.ts';
import { endsWithin } from '../ends-within.ts';
import { acknowledged, fitBatch, shardReaders, type ShardReader } from './kinesis-pipe.ts';
import { ShardProgress, type Unacknowledged } from './shard-progress.ts';
import { Signal } from './signal.ts';
import { streamOf } from '../servers.ts';
import type { LocalStack } from '../stack.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The fewest records a shard is read ahead: at five reads a second, 5,000 a second, five times the 1,000 records a
 * second a Kinesis shard takes in, so a backlog is caught up as Pipes (up to 10,000 a read) would.
 */
const READ_AHEAD = 1000;

/** A batch that exhausted its retries, as the Pipe's dead-letter queue receives it: where it was, not its records. */
export interface DeadLetter {
  pipeline: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
  attempts: number;
  error: string;
  time: string;
}

export interface PipeRunnerOptions {
  /** What the local Pipe applies of a Pipe's settings (the record age and starting position are not emulated); parallelization factor 1 when absent. */
  settings: Pick<PipeSettings, 'batchSize' | 'maximumBatchingWindowInSeconds' | 'maximumRetryAttempts'> & Partial<Pick<PipeSettings, 'parallelizationFactor'>>;
  checkpoints: Checkpoints;
  deadLetter(letter: DeadLetter): Promise<void>;
  onResult?(result: ExecutionResult): void;
  /** How long an empty shard waits before it is read again (default 1 s: Pipes, like Lambda, polls an idle shard about once a second). */
  pollMs?: number;
  /** The least time between two reads of a shard (default 200 ms: Kinesis serves a shard 5 GetRecords a second, shared by its consumers; a Pipe reads a busy shard no faster). */
  readGapMs?: number;
}

/** A record read and handed to a lane: as the workflow gets it, its place in the shard's order, and when the lane got it (its batching window's start). */
interface Pending {
  envelope: PipesKinesisRecord;
  place: Unacknowledged;
  read: number;
}

/** One of a shard's `parallelizationFactor` sequences of batches: the records of its partition keys, in order. */
interface Lane {
  pending: Pending[];
  wake: Signal;
}

/** FNV-1a of the partition key: the lane its records take, the same one every time. */
function laneOf(partitionKey: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) hash = Math.imul(hash ^ partitionKey.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}

/**
 * An EventBridge Pipe over a local stream, running until stopped. Per shard, records go to one of
 * `parallelizationFactor` lanes by their partition key (so one key's records stay in order, as on AWS),
 * and each lane has one execution in flight: batches of `batchSize` or what arrived within the batching
 * window, cut to the 262,144 characters a Step Functions target takes. The checkpoint moves past a
 * record only once it and every record before it on the shard were taken. A batch the workflow fails is
 * retried in halves (AUTOMATIC_BISECT) with backoff, holding up its lane only; one that fails
 * `maximumRetryAttempts` times goes to the dead-letter location and its lane reads on past it (its input
 * is kept by the workflow's failure path).
 */
export class PipeRunner {
  private stopping = false;
  /** When a stop gives up on what is in flight (ms). */
  private stopBy = Infinity;
  private loops: Promise<void>[] = [];
  private readonly shards: ShardProgress[] = [];
  private readonly wakes: Signal[] = [];
  /** Wakes what waits only for time to pass (a failed read's backoff) when the runner stops. */
  private readonly stopped = new Signal();

  constructor(
    private readonly stack: LocalStack,
    readonly pipeline: string,
    private readonly options: PipeRunnerOptions,
  ) {}

  async start(): Promise<void> {
    const readers = await shardReaders(this.stack, this.pipeline, this.options.checkpoints);
    this.loops = readers.flatMap((reader) => this.shard(reader));
  }

  /** Seconds behind: the age of the oldest record read but not yet taken (0 when caught up). */
  lagSeconds(now = Date.now()): number {
    const times = this.shards.map((shard) => shard.oldest()).filter((time) => time !== undefined);
    return times.length === 0 ? 0 : Math.max(0, (now - Math.min(...times)) / 1000);
  }

  /**
   * Stops reading. The records already read are handed to the workflow without waiting for their window,
   * so the checkpoint covers all that was read (no lane's taken batch is read again after a restart),
   * unless that outlasts `withinMs` or a batch still fails when the time is up: then the records behind it
   * stay unacknowledged, and what other lanes took after them is read again after a restart (at least
   * once, as Pipes delivers; decode drops what the batches taken before claimed, as redelivered).
   */
  async stop(withinMs: number): Promise<'stopped' | 'abandoned'> {
    this.stopping = true;
    this.stopBy = Date.now() + withinMs;
    for (const wake of [...this.wakes, this.stopped]) wake.notify();
    return (await endsWithin(Promise.all(this.loops), withinMs)) ? 'stopped' : 'abandoned';
  }

  /** The loops of one shard: its reader, and one per lane. */
  private shard(reader: ShardReader): Promise<void>[] {
    const { batchSize, parallelizationFactor = 1 } = this.options.settings;
    const progress = new ShardProgress();
    this.shards.push(progress);
    const room = new Signal();
    const lanes: Lane[] = Array.from({ length: parallelizationFactor }, () => ({ pending: [], wake: new Signal() }));
    this.wakes.push(room, ...lanes.map((lane) => lane.wake));
    // read ahead at most two batches per lane, and no less than READ_AHEAD records: a lane held up by retries does
    // not fill memory, and five reads a second of small batches still outrun what a shard takes in
    const limit = Math.max(2 * batchSize * parallelizationFactor, READ_AHEAD);
    const stream = streamOf(this.pipeline);
    let failedReads = 0;
    let lastRead = 0;
    const read = async () => {
      while (!this.stopping) {
        if (progress.size >= limit) {
          await room.wait(this.options.pollMs ?? 1000);
          continue;
        }
        const gap = lastRead + (this.options.readGapMs ?? 200) - Date.now();
        if (gap > 0) {
          await this.stopped.wait(gap);
          continue;
        }
        lastRead = Date.now();
        let page: _Record[];
        try {
          // as much as there is room for: a read takes what arrived since the last, up to the read-ahead limit
          page = await reader.read(Math.min(10_000, limit - progress.size));
          failedReads = 0;
        } catch (error) {
          // a read changes nothing: the reader kept its place, and Pipes polls a shard again after a failed read
          const backoff = Math.min(200 * 2 ** failedReads++, 10_000);
          const next = this.stopping ? 'the next start reads on from the checkpoint' : `reading again in ${backoff / 1000} s`;
          process.stderr.write(`sluice: ${this.pipeline}: reading ${reader.shardId} failed (${(error as Error).name}: ${(error as Error).message}); ${next}\n`);
          if (!this.stopping) await this.stopped.wait(backoff);
          continue;
        }
        // a page read as the runner stops is left to the next start: a lane may have ended already
        if (this.stopping) return;
        if (page.length === 0) {
          await room.wait(this.options.pollMs ?? 1000);
          continue;
        }
        const now = Date.now();
        for (const record of page) {
          const lane = lanes[laneOf(record.PartitionKey ?? '', parallelizationFactor)]!;
          // in its Pipes envelope once: the batch's fit and its execution read the same one
          lane.pending.push({ envelope: toPipesRecord(record, reader.shardId, stream), place: progress.read(record.SequenceNumber!, record.ApproximateArrivalTimestamp?.getTime() ?? now), read: now });
        }
        for (const lane of lanes) if (lane.pending.length > 0) lane.wake.notify();
      }
    };
    const taken = async (records: Pending[]) => {
      const checkpoint = progress.take(records.map((p) => p.place));
      room.notify();
      if (checkpoint) await this.options.checkpoints.set(reader.key, checkpoint);
    };
    return [read(), ...lanes.map((lane) => this.lane(reader, lane, taken))];
  }

  /** Hands a lane's records to the workflow, a batch at a time, until the runner stops and the lane is empty. */
  private async lane(reader: ShardReader, lane: Lane, taken: (records: Pending[]) => Promise<void>): Promise<void> {
    const { batchSize, maximumBatchingWindowInSeconds } = this.options.settings;
    for (;;) {
      if (lane.pending.length === 0) {
        if (this.stopping) return;
        await lane.wake.wait(this.options.pollMs ?? 1000);
        continue;
      }
      const windowLeft = lane.pending[0]!.read + maximumBatchingWindowInSeconds * 1000 - Date.now();
      if (lane.pending.length < batchSize && windowLeft > 0 && !this.stopping) {
        await lane.wake.wait(Math.min(windowLeft, this.options.pollMs ?? 1000));
        continue;
      }
      const fits = fitBatch(lane.pending.slice(0, batchSize).map((p) => p.envelope), batchSize);
      if (fits === 0) {
        // as on AWS: Pipes cannot invoke the target with it, and after its retries it goes to the DLQ
        const alone = lane.pending.splice(0, 1);
        await this.deadLettered(reader, alone, 0, `the record's Pipes envelope is over the ${PIPES_TARGET_PAYLOAD_CHARS} characters a Step Functions target takes`);
        await taken(alone);
        continue;
      }
      const batch = lane.pending.splice(0, fits);
      if (!(await this.deliver(reader, batch, 0, taken))) return;
    }
  }

  /** Writes the batch's place to the dead-letter location. */
  private async deadLettered(reader: ShardReader, records: Pending[], attempts: number, error: string): Promise<void> {
    await this.options.deadLetter({
      pipeline: this.pipeline,
      shardId: reader.shardId,
      startSequenceNumber: records[0]!.envelope.sequenceNumber,
      endSequenceNumber: records[records.length - 1]!.envelope.sequenceNumber,
      batchSize: records.length,
      attempts,
      error,
      time: new Date().toISOString(),
    });
  }

  /** Runs a batch until it is taken or dead-lettered; false when the runner stopped before either. */
  private async deliver(reader: ShardReader, records: Pending[], attempts: number, taken: (records: Pending[]) => Promise<void>): Promise<boolean> {
    let failure: string;
    try {
      const result = await this.stack.run('kinesis', this.pipeline, records.map((p) => p.envelope));
      this.options.onResult?.(result);
      if (acknowledged(result)) {
        await taken(records);
        return true;
      }
      failure = `${result.error ?? result.status}: ${result.cause ?? ''}`.trim();
    } catch (error) {
      // Step Functions refused to start it (its input over the payload limit): a failed invocation, which Pipes retries and halves
      if ((error as Error).name !== 'ValidationException') throw error;
      failure = `${(error as Error).name}: ${(error as Error).message}`;
    }
    if (attempts >= this.options.settings.maximumRetryAttempts) {
      await this.deadLettered(reader, records, attempts + 1, failure);
      await taken(records);
      return true;
    }
    const backoff = Math.min(200 * 2 ** attempts, 10_000);
    // a stop lets a failed batch retry while its time lasts: its lane's later records wait behind it
    if (Date.now() + backoff > this.stopBy) return false;
    await sleep(backoff);
    if (records.length === 1) return this.deliver(reader, records, attempts + 1, taken);
    const half = Math.ceil(records.length / 2);
    return (await this.deliver(reader, records.slice(0, half), attempts + 1, taken)) && this.deliver(reader, records.slice(half), attempts + 1, taken);
  }
}
