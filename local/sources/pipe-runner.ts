import type { _Record } from '@aws-sdk/client-kinesis';
import type { Checkpoints } from './checkpoints.ts';
import type { ExecutionResult } from '../engine.ts';
import { PIPES_TARGET_PAYLOAD_CHARS, type PipeSettings } from '../../contracts/pipe-settings.ts';
import { acknowledged, fitBatch, shardReaders, toPipesRecord, type ShardReader } from './kinesis-pipe.ts';
import { streamOf } from '../servers.ts';
import type { LocalStack } from '../stack.ts';

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
  /** What the local Pipe applies of a Pipe's settings (the record age and starting position are not emulated). */
  settings: Pick<PipeSettings, 'batchSize' | 'maximumBatchingWindowInSeconds' | 'maximumRetryAttempts'>;
  checkpoints: Checkpoints;
  deadLetter(letter: DeadLetter): Promise<void>;
  onResult?(result: ExecutionResult): void;
  /** How long an empty shard waits before it is read again. */
  pollMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An EventBridge Pipe over a local stream, running until stopped: per shard, batches of `batchSize`
 * or what arrived within the batching window, cut to the 262,144 characters a Step Functions target takes, one execution in flight (parallelization factor 1), the
 * checkpoint moved past a batch only once the workflow took it. A batch the workflow fails is retried
 * in halves (AUTOMATIC_BISECT) with backoff; one that fails `maximumRetryAttempts` times goes to the
 * dead-letter location and reading goes on past it (its input is kept by the workflow's failure path).
 */
export class PipeRunner {
  private stopping = false;
  private loops: Promise<void>[] = [];
  /** Arrival time (ms) of the oldest record read and not yet acknowledged, per shard. */
  private readonly oldest = new Map<string, number>();

  constructor(
    private readonly stack: LocalStack,
    readonly pipeline: string,
    private readonly options: PipeRunnerOptions,
  ) {}

  async start(): Promise<void> {
    const readers = await shardReaders(this.stack, this.pipeline, this.options.checkpoints);
    this.loops = readers.map((reader) => this.loop(reader));
  }

  /** Seconds behind: the age of the oldest record read but not yet acknowledged (0 when caught up). */
  lagSeconds(now = Date.now()): number {
    const times = [...this.oldest.values()];
    return times.length === 0 ? 0 : Math.max(0, (now - Math.min(...times)) / 1000);
  }

  /** Stops reading; the batch in flight finishes (and is checkpointed) unless it outlasts `withinMs`. */
  async stop(withinMs: number): Promise<'stopped' | 'abandoned'> {
    this.stopping = true;
    const ended = Promise.all(this.loops).then(() => 'stopped' as const);
    return Promise.race([ended, sleep(withinMs).then(() => 'abandoned' as const)]);
  }

  private async loop(reader: ShardReader): Promise<void> {
    const { batchSize, maximumBatchingWindowInSeconds } = this.options.settings;
    const pending: _Record[] = [];
    let firstSeen = 0;
    while (!this.stopping) {
      if (pending.length < batchSize) {
        const page = await reader.read(batchSize);
        if (pending.length === 0 && page.length > 0) firstSeen = Date.now();
        pending.push(...page);
      }
      if (pending.length === 0) {
        this.oldest.delete(reader.shardId);
        await sleep(this.options.pollMs ?? 200);
        continue;
      }
      this.oldest.set(reader.shardId, pending[0]!.ApproximateArrivalTimestamp?.getTime() ?? firstSeen);
      const windowLeft = firstSeen + maximumBatchingWindowInSeconds * 1000 - Date.now();
      if (pending.length < batchSize && windowLeft > 0) {
        await sleep(Math.min(windowLeft, this.options.pollMs ?? 200));
        continue;
      }
      const fits = fitBatch(pending.slice(0, batchSize).map((r) => toPipesRecord(r, reader.shardId, streamOf(this.pipeline))), batchSize);
      if (fits === 0) {
        // as on AWS: Pipes cannot invoke the target with it, and after its retries it goes to the DLQ
        await this.deadLettered(reader, pending.splice(0, 1), 0, `the record's Pipes envelope is over the ${PIPES_TARGET_PAYLOAD_CHARS} characters a Step Functions target takes`);
        continue;
      }
      const batch = pending.splice(0, fits);
      if (!(await this.deliver(reader, batch, 0))) return;
      if (pending.length === 0) this.oldest.delete(reader.shardId);
      firstSeen = Date.now();
    }
  }

  /** Writes the batch's place to the dead-letter location and reads on past it. */
  private async deadLettered(reader: ShardReader, records: _Record[], attempts: number, error: string): Promise<void> {
    const last = records[records.length - 1]!.SequenceNumber!;
    await this.options.deadLetter({
      pipeline: this.pipeline,
      shardId: reader.shardId,
      startSequenceNumber: records[0]!.SequenceNumber!,
      endSequenceNumber: last,
      batchSize: records.length,
      attempts,
      error,
      time: new Date().toISOString(),
    });
    await this.options.checkpoints.set(reader.key, last);
  }

  /** Runs a batch until it is taken or dead-lettered; false when the runner stopped before either. */
  private async deliver(reader: ShardReader, records: _Record[], attempts: number): Promise<boolean> {
    const stream = streamOf(this.pipeline);
    const result = await this.stack.run('kinesis', this.pipeline, records.map((r) => toPipesRecord(r, reader.shardId, stream)));
    this.options.onResult?.(result);
    const last = records[records.length - 1]!.SequenceNumber!;
    if (acknowledged(result)) {
      await this.options.checkpoints.set(reader.key, last);
      return true;
    }
    if (attempts >= this.options.settings.maximumRetryAttempts) {
      await this.deadLettered(reader, records, attempts + 1, `${result.error ?? result.status}: ${result.cause ?? ''}`.trim());
      return true;
    }
    if (this.stopping) return false;
    await sleep(Math.min(200 * 2 ** attempts, 10_000));
    if (records.length === 1) return this.deliver(reader, records, attempts + 1);
    const half = Math.ceil(records.length / 2);
    return (await this.deliver(reader, records.slice(0, half), attempts + 1)) && this.deliver(reader, records.slice(half), attempts + 1);
  }
}
