import { gzipSync } from 'node:zlib';
import type { FirehoseSettings } from '../../contracts/config.ts';
import type { FirehoseTransformRequest, FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { bridge } from '../../tasks/firehose-bridge/index.ts';
import { jsonLines } from '../../tasks/shared/json-lines.ts';
import { putObject } from '../../tasks/shared/s3-objects.ts';
import type { ExecutionResult } from '../engine.ts';
import type { BufferedRecord, FailedRecord } from './firehose-batch.ts';
import { arriving, FirehoseBuffer } from './firehose-buffer.ts';
import { streamOf } from '../servers.ts';
import { endsWithin } from '../ends-within.ts';
import type { LocalStack } from '../stack.ts';

/** PutRecord / PutRecordBatch limits of a delivery stream (Firehose quotas). */
export const FIREHOSE_LIMITS = { recordBytes: 1_000 * 1024, batchRecords: 500, batchBytes: 4 * 1024 * 1024 } as const;

/** Firehose invokes a failing transformation this many more times before it skips the records (NumberOfRetries). */
const INVOCATION_RETRIES = 3;

const FLUSH_RETRY_MS = 5_000;

/** Where Ok records go after the transformation: an HTTP endpoint, or the S3 destination. */
export interface Destination {
  /**
   * Delivers a batch's Ok records; returns those it gave up on, already in Firehose's failure shape. A
   * delivery that throws is tried again for the same batch: the same records, the same `id` (the
   * requestId an endpoint can deduplicate by, the S3 object's name), the same `since` (when the
   * batch's delivery began: its retry duration runs from there).
   */
  deliver(records: BufferedRecord[], batch: { id: string; since: number }): Promise<FailedRecord[]>;
  /** `http-endpoint-failed`, `s3-failed`: the error output type of records it gave up on. */
  failedType: string;
}

export interface FirehoseStreamOptions {
  pipeline: string;
  settings: FirehoseSettings;
  destination: Destination;
  /** The buffer file (none: in memory). */
  bufferFile?: string;
  onResult?(result: ExecutionResult): void;
}

const hourPath = (ms: number) => new Date(ms).toISOString().slice(0, 13).replace(/[-T]/g, '/');

/**
 * A delivery stream on the embedded stack, as Firehose runs one: records buffered (by size and
 * interval, the pipeline's `buffering`, on disk), handed to the firehose workflow through the same
 * bridge code as the transformation Lambda, the `Ok` records delivered to the destination, and what
 * failed processing or delivery written to the backup bucket under Firehose's error prefixes.
 */
export class FirehoseStream {
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** After a flush failed (S3 down, say): when to try again, so a lasting fault is not a busy loop. */
  private retryAt = 0;
  /** Set by stop: a transformation that fails from now on failed for the stop (the servers going), not for its records. */
  private stopping = false;
  /** What resume waits for: the batch in hand transformed. */
  private transformedInHand: (() => void) | undefined;

  private constructor(
    private readonly stack: LocalStack,
    private readonly buffer: FirehoseBuffer,
    private readonly options: FirehoseStreamOptions,
  ) {}

  static async open(stack: LocalStack, options: FirehoseStreamOptions): Promise<FirehoseStream> {
    const stream = new FirehoseStream(stack, await FirehoseBuffer.open(options.bufferFile), options);
    // a stop or a kill after the destination took the batch and before that was noted: the batch is delivered
    // again with the same id, and an HTTP endpoint may then hold it twice (at least once, as Firehose delivers);
    // said, so that a duplicate at the destination can be told from a loss of sluice's promise
    const resumed = stream.buffer.batchInHand;
    if (resumed?.transformed && !resumed.undelivered && resumed.transformed.ok.length > 0) {
      process.stderr.write(
        `sluice: ${stream.name}: batch ${resumed.id} was being delivered when the stack stopped; its ${resumed.transformed.ok.length} records are delivered again with the same id (the HTTP endpoint's requestId, the S3 object's name): a destination that took them already may hold them twice\n`,
      );
    }
    stream.timer = setInterval(() => stream.tick(), 250);
    return stream;
  }

  get name(): string {
    return streamOf(this.options.pipeline);
  }

  get arn(): string {
    return `arn:aws:firehose:us-east-1:000000000000:deliverystream/${this.name}`;
  }

  get buffered() {
    return this.buffer.size;
  }

  /** PutRecordBatch: every record on disk before it answers; the RecordIds, in order. */
  async put(datas: Buffer[]): Promise<string[]> {
    const records = arriving(datas);
    await this.buffer.add(records);
    this.tick();
    return records.map((record) => record.recordId);
  }

  /**
   * Stops buffering by time; waits for the request in flight, for `withinMs` at most: what is not
   * processed by then stays in the buffer file, and a restart goes on with it from the last step the
   * file notes as done (at least once).
   */
  async stop(withinMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.flushing) await endsWithin(this.flushing, withinMs);
  }

  /**
   * Goes on with the batch a stop or a kill left in hand, at once, before the start sweeps the ledger: its
   * execution's row may still say STARTED, and once older than an Express execution can run, the sweep
   * would put its records back on the stream (as it must on AWS, where Firehose has given up on that
   * invocation), to be delivered a second time beside the buffered batch. Resolves once the batch is
   * transformed (its row then says how it ended), not delivered: a destination that refuses holds its
   * delivery for the retry duration, not the start. A flush the interval began already is waited for.
   */
  async resume(): Promise<void> {
    const batch = this.buffer.batchInHand;
    if (!batch || batch.transformed) return;
    const transformed = new Promise<void>((resolve) => (this.transformedInHand = resolve));
    try {
      await Promise.race([transformed, this.startFlush()]);
    } finally {
      this.transformedInHand = undefined;
    }
  }

  /** Processes everything buffered now, whatever its size or age (tests, the demo). */
  async flushAll(): Promise<void> {
    await this.flushing;
    while (this.buffer.size.records > 0) await (this.flushing = this.flushOnce().finally(() => (this.flushing = undefined)));
  }

  private tick(): void {
    if (this.flushing || !this.timer || Date.now() < this.retryAt) return;
    const { records, bytes, oldest } = this.buffer.size;
    const full = bytes >= this.options.settings.sizeMb * 1024 * 1024;
    const due = oldest !== undefined && Date.now() - oldest >= this.options.settings.intervalSeconds * 1000;
    if (records === 0 || !(full || due)) return;
    void this.startFlush();
  }

  /** The flush under way, or a new one; the next is looked for once it ends. */
  private startFlush(): Promise<void> {
    return (this.flushing ??= this.flushOrSay().finally(() => {
      this.flushing = undefined;
      this.tick();
    }));
  }

  /** One batch on, or what stopped it said, the batch kept for a later try. */
  private flushOrSay(): Promise<void> {
    return this.flushOnce().catch((error: Error) => {
      this.retryAt = Date.now() + FLUSH_RETRY_MS;
      process.stderr.write(`sluice: ${this.name}: ${error.message} (the batch stays buffered; what failed is tried again in ${FLUSH_RETRY_MS / 1000} s)\n`);
    });
  }

  /**
   * One batch through its steps, each noted once done: after a failure (or a restart) the same batch
   * comes back and goes on from the step that failed, as Firehose retries a delivery or a backup and
   * never the transformation before it (which would run the workflow again: the lake, the ledger).
   */
  private async flushOnce(): Promise<void> {
    const batch = await this.buffer.next(this.options.settings.sizeMb * 1024 * 1024);
    const transformed = batch.transformed ?? (await this.buffer.note('transformed', { ...(await this.transform(batch.records)), at: Date.now() }));
    this.transformedInHand?.();
    const undelivered =
      batch.undelivered ??
      (await this.buffer.note('undelivered', transformed.ok.length > 0 ? await this.options.destination.deliver(transformed.ok, { id: batch.id, since: transformed.at }) : []));
    for (const [type, failed] of [['processing-failed', transformed.failed], [this.options.destination.failedType, undelivered]] as const) {
      if (failed.length === 0 || batch.backedUp.includes(type)) continue;
      const key = await this.backUp(type, failed, { id: batch.id, at: transformed.at });
      await this.buffer.note('backedUp', [...batch.backedUp, type]);
      // said where they are: the ledger counted them delivered to Firehose (sluice status lists these batches too)
      const why = type === 'processing-failed' ? 'failed the transformation' : 'were not taken by the destination within the retry duration';
      process.stderr.write(`sluice: ${this.options.pipeline}: ${failed.length} record(s) ${why} (${failed[0]!.errorCode}: ${failed[0]!.errorMessage}): backed up at s3://${this.stack.config.buckets.backup}/${key}\n`);
    }
    await this.buffer.drop(batch.records.length);
  }

  /**
   * One transformation request, retried as Firehose retries a failed invocation: the records answered
   * Ok, with their transformed data, and those that failed processing (Dropped ones are done).
   */
  private async transform(records: BufferedRecord[]): Promise<{ ok: BufferedRecord[]; failed: FailedRecord[] }> {
    const request: FirehoseTransformRequest = { invocationId: crypto.randomUUID(), deliveryStreamArn: this.arn, region: 'us-east-1', records };
    const startSync = async (input: string) => {
      const result = await this.stack.run('firehose', this.options.pipeline, JSON.parse(input));
      this.options.onResult?.(result);
      return { status: result.status, output: JSON.stringify(result.output), ...(result.error ? { error: result.error, cause: result.cause } : {}) };
    };
    let response: FirehoseTransformResponse | undefined;
    let lastError = '';
    let attempts = 0;
    while (!response && attempts <= INVOCATION_RETRIES && !this.stopping) {
      attempts++;
      response = await bridge(request, this.stack.ctx, startSync).catch((error: Error) => ((lastError = error.message), undefined));
    }
    // a stop that outlasted its grace took the servers from under the workflow: its records are not at fault, and
    // are not written off as processing-failed; the batch stays buffered untransformed, for the restart to transform
    if (!response && this.stopping) throw new Error(`the stack stopped during the transformation (${lastError}): the batch stays buffered, and is transformed on the next start`);
    const failure = (record: BufferedRecord, errorCode: string, errorMessage: string): FailedRecord => ({
      attemptsMade: attempts,
      arrivalTimestamp: record.approximateArrivalTimestamp,
      errorCode,
      errorMessage,
      attemptEndingTimestamp: Date.now(),
      rawData: record.data,
      lambdaArn: `arn:aws:lambda:us-east-1:000000000000:function:sluice-${this.options.pipeline}-bridge`,
    });
    if (!response) return { ok: [], failed: records.map((record) => failure(record, 'Lambda.FunctionError', lastError)) };
    const ok: BufferedRecord[] = [];
    const failed: FailedRecord[] = [];
    records.forEach((record, i) => {
      const answer = response.records[i]!;
      if (answer.result === 'ProcessingFailed') failed.push(failure(record, 'Lambda.ProcessingFailedStatus', 'the transformation answered ProcessingFailed'));
      else if (answer.result === 'Ok') ok.push({ ...record, data: answer.data });
    });
    return { ok, failed };
  }

  /**
   * Failed records to the backup bucket, under `processing-failed/<pipeline>/<error-output-type>/yyyy/MM/dd/HH/`, gzip'd
   * JSON Lines; named by the batch, so a put tried again after a restart writes the same object.
   */
  private async backUp(type: string, failed: FailedRecord[], batch: { id: string; at: number }): Promise<string> {
    const key = `processing-failed/${this.options.pipeline}/${type}/${hourPath(batch.at)}/${this.name}-1-${new Date(batch.at).toISOString().replace(/[:.]/g, '-')}-${batch.id}.gz`;
    const body = gzipSync(jsonLines(failed));
    await putObject(this.stack.ctx, { Bucket: this.stack.config.buckets.backup, Key: key, Body: body });
    return key;
  }
}
