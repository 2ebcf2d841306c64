import { GetRecordsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, DeleteBucketCommand, ListObjectsV2Command, DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileCheckpoints, MemoryCheckpoints } from '../../local/sources/checkpoints.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { putRecords } from '../../local/sources/kinesis-pipe.ts';
import { PipeRunner, type DeadLetter } from '../../local/sources/pipe-runner.ts';
import { businessEvent, telemetry } from '../../local/samples.ts';
import { streamOf } from '../../local/servers.ts';
import type { LocalStack } from '../../local/stack.ts';
import { openStack, until, type Harness } from './harness.ts';
import { setTimeout as sleep } from 'node:timers/promises';

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'sluice-pipe-'));
beforeAll(async () => {
  h = await openStack();
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the running stack\'s Pipe', () => {
  it('batches by size or window, keeps its checkpoint on disk, and a new runner on it does not read again', async () => {
    const file = join(dir, 's2.json');
    const results: ExecutionResult[] = [];
    const runner = () =>
      FileCheckpoints.open(file).then(
        (checkpoints) =>
          new PipeRunner(h.stack, 's2-telemetry-to-lake', {
            settings: { batchSize: 100, maximumBatchingWindowInSeconds: 0.3, maximumRetryAttempts: 2 },
            checkpoints,
            deadLetter: async () => {
              throw new Error('no batch should be dead-lettered');
            },
            onResult: (result) => results.push(result),
            pollMs: 20,
          }),
      );
    const first = await runner();
    await first.start();
    await putRecords(h.stack, 's2-telemetry-to-lake', Array.from({ length: 230 }, (_, i) => JSON.stringify(telemetry(i))));
    await until(() => results.reduce((n, r) => n + (r.account?.counts.in ?? 0), 0) === 230, '230 records');
    // two full batches, then what the window gathered
    expect(results.map((r) => r.account!.counts.in)).toStrictEqual([100, 100, 30]);
    expect(await first.stop(5_000)).toBe('stopped');
    expect(Object.values(JSON.parse(readFileSync(file, 'utf8')))).toHaveLength(1);

    const second = await runner();
    await second.start();
    await putRecords(h.stack, 's2-telemetry-to-lake', [JSON.stringify(telemetry(999))]);
    await until(() => results.length === 4, 'the new record');
    expect(results[3]!.account!.counts.in).toBe(1);
    // caught up: nothing read and not yet acknowledged
    await until(() => second.lagSeconds() === 0, 'no lag');
    await second.stop(5_000);
    expect(await h.parquetRows('sluice-lake', 'telemetry/')).toHaveLength(231);
  });

  it('a batch the workflow keeps failing is retried in halves, then dead-lettered with its place, and reading goes on', async () => {
    const results: ExecutionResult[] = [];
    const letters: DeadLetter[] = [];
    const runner = new PipeRunner(h.stack, 's3-events-to-archive', {
      settings: { batchSize: 4, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: 1 },
      checkpoints: await FileCheckpoints.open(join(dir, 's3.json')),
      deadLetter: async (letter) => void letters.push(letter),
      onResult: (result) => results.push(result),
      pollMs: 20,
    });
    // without the backup bucket no input can be kept: every execution fails, as with S3 down
    const objects = await h.stack.servers.s3.send(new ListObjectsV2Command({ Bucket: 'sluice-backup' }));
    if (objects.Contents?.length) await h.stack.servers.s3.send(new DeleteObjectsCommand({ Bucket: 'sluice-backup', Delete: { Objects: objects.Contents.map((o) => ({ Key: o.Key! })) } }));
    await h.stack.servers.s3.send(new DeleteBucketCommand({ Bucket: 'sluice-backup' }));
    await putRecords(h.stack, 's3-events-to-archive', [1, 2, 3].map((i) => JSON.stringify(businessEvent(i))).concat('{"event_type":"metric"}'));
    await runner.start();
    await until(() => letters.reduce((n, l) => n + l.batchSize, 0) === 4, 'the dead letters');
    await h.stack.servers.s3.send(new CreateBucketCommand({ Bucket: 'sluice-backup' }));
    // failed whole, retried as two halves (AUTOMATIC_BISECT), each failing its last attempt
    expect(results.map((r) => [r.status, (r.events[0]!.input as unknown[]).length])).toStrictEqual([
      ['FAILED', 4],
      ['FAILED', 2],
      ['FAILED', 2],
    ]);
    expect(letters).toMatchObject([
      { pipeline: 's3-events-to-archive', batchSize: 2, attempts: 2, error: expect.stringContaining('NoSuchBucket') },
      { pipeline: 's3-events-to-archive', batchSize: 2, attempts: 2 },
    ]);
    expect(letters[0]!.endSequenceNumber < letters[1]!.startSequenceNumber).toBe(true);
    // reading goes on past it
    await putRecords(h.stack, 's3-events-to-archive', [JSON.stringify(businessEvent(7))]);
    await until(() => results.length === 4, 'the next record');
    expect(results[3]!.status).toBe('SUCCEEDED');
    await runner.stop(5_000);
  });

  it('cuts batches to the 262,144 characters a Step Functions target takes, and dead-letters a record that cannot fit alone', async () => {
    const results: ExecutionResult[] = [];
    const letters: DeadLetter[] = [];
    const runner = new PipeRunner(h.stack, 's4-events-raw', {
      settings: { batchSize: 100, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: 1 },
      checkpoints: await FileCheckpoints.open(join(dir, 's4.json')),
      deadLetter: async (letter) => void letters.push(letter),
      onResult: (result) => results.push(result),
      pollMs: 20,
    });
    // 2 KB events: 100 of them base64'd in their envelopes are about 310,000 characters
    const event = (i: number) => JSON.stringify({ ...businessEvent(i), event_id: `fit-${i}`, note: 'x'.repeat(2000) });
    await putRecords(h.stack, 's4-events-raw', Array.from({ length: 150 }, (_, i) => event(i)));
    await putRecords(h.stack, 's4-events-raw', [JSON.stringify({ ...businessEvent(0), note: 'x'.repeat(250_000) })]);
    await putRecords(h.stack, 's4-events-raw', Array.from({ length: 150 }, (_, i) => event(150 + i)));
    await runner.start();
    await until(() => results.reduce((n, r) => n + (r.account?.counts.in ?? 0), 0) === 300, '300 records', 60_000);
    await runner.stop(5_000);
    const inputs = results.map((r) => JSON.stringify(r.events[0]!.input).length);
    expect(Math.max(...inputs)).toBeLessThanOrEqual(262_144);
    expect(results.every((r) => r.status === 'SUCCEEDED')).toBe(true);
    expect(results.length).toBeGreaterThan(3);
    expect(letters).toMatchObject([{ pipeline: 's4-events-raw', batchSize: 1, attempts: 0, error: expect.stringContaining('262144 characters') }]);
    const ids = (await h.lines('sluice-raw', 'events/')).map((row) => row.event_id as string);
    expect(new Set(ids.filter((id) => id.startsWith('fit-'))).size).toBe(300);
  });

  it('with a parallelization factor, runs several batches of a shard at once, keeps each partition key in order, and checkpoints only what was taken with all before it', async () => {
    const results: ExecutionResult[] = [];
    let inFlight = 0;
    let most = 0;
    // the stack as the runner sees it: every execution of a batch holding a 'slow' record takes 400 ms longer
    const stack: LocalStack = {
      ...h.stack,
      run: async (workflow, pipeline, input, onEvent) => {
        inFlight++;
        most = Math.max(most, inFlight);
        try {
          if ((input as { partitionKey: string }[]).some((r) => r.partitionKey === 'slow')) await sleep(400);
          return await h.stack.run(workflow, pipeline, input, onEvent);
        } finally {
          inFlight--;
        }
      },
    };
    const acknowledged = new Set<string>();
    const memory = new MemoryCheckpoints();
    const moves: { to: string; taken: Set<string> }[] = [];
    const checkpoints = { get: memory.get, set: async (key: string, to: string) => (moves.push({ to, taken: new Set(acknowledged) }), memory.set(key, to)) };
    const runner = new PipeRunner(stack, 's3-events-to-archive', {
      settings: { batchSize: 10, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: 1, parallelizationFactor: 4 },
      checkpoints,
      deadLetter: async () => {
        throw new Error('no batch should be dead-lettered');
      },
      onResult: (result) => {
        results.push(result);
        if (result.status === 'SUCCEEDED') for (const r of result.events[0]!.input as { sequenceNumber: string }[]) acknowledged.add(r.sequenceNumber);
      },
      pollMs: 20,
    });
    const keys = ['slow', 'a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const put = await h.stack.servers.kinesis.send(
      new PutRecordsCommand({
        StreamName: streamOf('s3-events-to-archive'),
        Records: Array.from({ length: 160 }, (_, i) => ({ Data: Buffer.from(JSON.stringify({ ...businessEvent(i), event_id: `lane-${i}` })), PartitionKey: keys[i % keys.length]! })),
      }),
    );
    const sequences = put.Records!.map((r) => r.SequenceNumber!);
    await runner.start();
    await until(() => sequences.every((seq) => acknowledged.has(seq)), '160 records taken');
    expect(await runner.stop(5_000)).toBe('stopped');
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    // one key's records reach the workflow in the order they were put
    for (const key of keys) {
      const seen = results.flatMap((r) => (r.events[0]!.input as { partitionKey: string; sequenceNumber: string }[]).filter((x) => x.partitionKey === key).map((x) => x.sequenceNumber));
      expect(seen).toStrictEqual(sequences.filter((_, i) => keys[i % keys.length] === key));
    }
    // at every move, each record up to the checkpoint had been taken; the last move is past the last record
    for (const move of moves) for (const seq of sequences.filter((s) => BigInt(s) <= BigInt(move.to))) expect(move.taken.has(seq)).toBe(true);
    expect(moves.at(-1)!.to).toBe(sequences.at(-1));
    // the slow key's batches held up the checkpoint, not the other lanes
    expect(results.findIndex((r) => (r.events[0]!.input as { partitionKey: string }[]).some((x) => x.partitionKey === 'slow'))).toBeLessThan(results.length - 1);
  });
});

/** kinesalite's own key and IV for shard iterators: an iterator made to look handed out `ms` earlier, as a reader holds it after a pause. */
const { ITERATOR_PWD_KEY: KEY, ITERATOR_PWD_IV: IV } = createRequire(import.meta.url)('kinesalite/db/index.js') as Record<'ITERATOR_PWD_KEY' | 'ITERATOR_PWD_IV', Buffer>;
function aged(iterator: string, ms: number): string {
  const bytes = Buffer.from(iterator, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', KEY, IV);
  const pieces = Buffer.concat([decipher.update(bytes.subarray(8)), decipher.final()]).toString('utf8').split('/');
  pieces[0] = `${'0'.repeat(14)}${Number(pieces[0]) - ms}`.slice(-14);
  const cipher = createCipheriv('aes-256-cbc', KEY, IV);
  return Buffer.concat([bytes.subarray(0, 8), cipher.update(pieces.join('/'), 'utf8'), cipher.final()]).toString('base64');
}

/** The stack as the runner sees it: every GetRecords goes through `read`, with the real kinesalite client. */
function readingThrough(read: (command: GetRecordsCommand, real: KinesisClient) => Promise<unknown>): LocalStack {
  const real = h.stack.servers.kinesis;
  const kinesis = { send: (command: unknown) => (command instanceof GetRecordsCommand ? read(command, real) : real.send(command as never)) } as KinesisClient;
  return { ...h.stack, servers: { ...h.stack.servers, kinesis } };
}

/** What is written to stderr, and which promise rejections nobody handled, while `work` runs. */
async function watching(work: (said: string[]) => Promise<void>): Promise<{ said: string[]; unhandled: unknown[] }> {
  const said: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
  process.on('unhandledRejection', onUnhandled);
  try {
    await work(said);
  } finally {
    process.off('unhandledRejection', onUnhandled);
    write.mockRestore();
  }
  return { said, unhandled };
}

const sequencesOf = (results: ExecutionResult[]) => results.flatMap((r) => (r.events[0]!.input as { sequenceNumber: string }[]).map((x) => x.sequenceNumber));

describe('the running stack\'s Pipe when a read fails', () => {
  const pipeline = 's2-telemetry-to-lake';
  const shardKey = `${streamOf(pipeline)}/shardId-000000000000`;
  /** Puts telemetry records; their sequence numbers. */
  const put = async (from: number, n: number) => (await putRecords(h.stack, pipeline, Array.from({ length: n }, (_, i) => JSON.stringify(telemetry(from + i))))).map((id) => id.split(':')[1]!);
  /** A runner whose checkpoint is past everything on the stream now: it reads only what the test puts next. */
  const runnerFromHere = async (stack: LocalStack, results: ExecutionResult[]) => {
    const checkpoints = new MemoryCheckpoints();
    const [start] = await put(5000, 1);
    await checkpoints.set(shardKey, start!);
    const runner = new PipeRunner(stack, pipeline, {
      settings: { batchSize: 100, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: 2 },
      checkpoints,
      deadLetter: async () => {
        throw new Error('no batch should be dead-lettered');
      },
      onResult: (result) => results.push(result),
      pollMs: 20,
    });
    return { runner, start: start! };
  };

  it('reads on after its shard iterator expired (a pause of over 5 minutes): after the last record it returned, or after its checkpoint when it returned none', async () => {
    let expire = 0;
    const stack = readingThrough((command, real) => {
      if (expire === 0) return real.send(command);
      expire--;
      return real.send(new GetRecordsCommand({ ...command.input, ShardIterator: aged(command.input.ShardIterator!, 301_000) }));
    });
    const results: ExecutionResult[] = [];
    const { runner, start } = await runnerFromHere(stack, results);
    let first: string[] = [];
    let second: string[] = [];
    const { said, unhandled } = await watching(async () => {
      first = await put(5100, 5);
      // the first read of all, before the reader returned a record, carries an iterator handed out 301 s ago
      expire = 1;
      await runner.start();
      await until(() => sequencesOf(results).length === 5, 'the records put before the start');
      // a pause after it returned records
      expire = 1;
      await until(() => expire === 0, 'the read after the pause');
      second = await put(5200, 5);
      await until(() => sequencesOf(results).length === 10, 'the records put after the pause');
      expect(await runner.stop(5_000)).toBe('stopped');
    });
    expect(unhandled).toStrictEqual([]);
    // each once, in order: a new iterator at TRIM_HORIZON would have read the stream's earlier records again, one at LATEST could skip some
    expect(sequencesOf(results)).toStrictEqual([...first, ...second]);
    expect(said).toStrictEqual([
      `sluice: ${shardKey}: its shard iterator expired (no read for 5 minutes); reading on after ${start} with a new one\n`,
      `sluice: ${shardKey}: its shard iterator expired (no read for 5 minutes); reading on after ${first[4]} with a new one\n`,
    ]);
  });

  it('reads a busy shard at most 5 times a second, as Kinesis serves a shard, and takes what arrived meanwhile', async () => {
    const reads: number[] = [];
    const stack = readingThrough((command, real) => {
      reads.push(performance.now());
      return real.send(command);
    });
    const results: ExecutionResult[] = [];
    const { runner } = await runnerFromHere(stack, results);
    await runner.start();
    // records arrive all the time for about 1.2 s: a reader that read whenever it found some would read dozens of times
    const sequences: string[] = [];
    for (let i = 0; i < 60; i++) {
      sequences.push(...(await put(6000 + 2 * i, 2)));
      await sleep(20);
    }
    await until(() => sequencesOf(results).length === sequences.length, 'the records put');
    expect(await runner.stop(5_000)).toBe('stopped');
    expect(sequencesOf(results).sort()).toStrictEqual([...sequences].sort());
    const gaps = reads.slice(1).map((at, i) => at - reads[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(195);
  });

  it('retries any other failed read with backoff and says so; a stop ends it while reads keep failing', async () => {
    let failing = 0;
    const stack = readingThrough((command, real) => {
      if (failing === 0) return real.send(command);
      failing--;
      // as the servers' thread answers when it is busy or gone: the connection drops
      return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
    const results: ExecutionResult[] = [];
    const { runner } = await runnerFromHere(stack, results);
    let records: string[] = [];
    const { said, unhandled } = await watching(async (said) => {
      failing = 2;
      await runner.start();
      records = await put(5300, 5);
      await until(() => sequencesOf(results).length === 5, 'the records put while reads failed');
      // reads that never pass: the stop still ends the runner, within its backoff
      failing = Infinity;
      await until(() => said.length >= 4, 'two more failed reads');
      const stopping = Date.now();
      expect(await runner.stop(5_000)).toBe('stopped');
      expect(Date.now() - stopping).toBeLessThan(1_000);
    });
    expect(unhandled).toStrictEqual([]);
    expect(sequencesOf(results)).toStrictEqual(records);
    const failed = (again: string) => `sluice: ${pipeline}: reading shardId-000000000000 failed (Error: socket hang up); ${again}\n`;
    expect(said.slice(0, 4)).toStrictEqual([failed('reading again in 0.2 s'), failed('reading again in 0.4 s'), failed('reading again in 0.2 s'), failed('reading again in 0.4 s')]);
  });
});
