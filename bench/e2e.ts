import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { WorkflowName } from '../contracts/batch.ts';
import { businessEvent, pipesRecord } from '../local/samples.ts';
import { pipesBatchesOf } from '../local/sources/kinesis-pipe.ts';
import type { TraceEvent } from '../local/engine.ts';
import type { LocalStack } from '../local/stack.ts';
import { Names } from '../workflows/record-chain.ts';
import { objectCreatedFor } from '../local/s3-events.ts';

/** Events 20 ms apart: a stream's events fall in a few hours, as in production (not one hour per minute). */
const EVENT_SPACING_MS = 20;

export interface Throughput {
  records: number;
  seconds: number;
  perSecond: number;
  peakRssMb: number;
  /** CPU seconds the process used meanwhile (every thread): on a shared machine, steadier than the rate. */
  cpuSeconds: number;
}

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/** Samples the process's resident memory while `work` runs; returns the peak in MB. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<[T, number]> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return [result, Math.round(peak / 2 ** 20)];
  } finally {
    clearInterval(timer);
  }
}

function check(status: string, what: string) {
  if (status !== 'SUCCEEDED') throw new Error(`${what} ended ${status}`);
}

/**
 * Business events in Pipes batches through the kinesis workflow, `parallel` executions at a time. A batch
 * holds up to `batchSize` records, cut as a Pipe cuts it: its JSON within the 262,144 characters a Step
 * Functions target takes (S4's events fill that at about 350). `first` is the first event's number (and
 * sequence): a run after another sends records of its own, not the other's again.
 */
export async function kinesisThroughput(stack: LocalStack, pipeline: string, events: number, batchSize: number, parallel: number, tick: (done: number) => void, first = 0): Promise<Throughput & { batches: number }> {
  const batches = pipesBatchesOf(events, batchSize, (i, batch) =>
    pipesRecord(JSON.stringify(businessEvent(first + i, EVENT_SPACING_MS)), first + i, `shardId-${String(batch % parallel).padStart(12, '0')}`),
  );
  let next = 0;
  let done = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  const [, peak] = await withPeakRss(() =>
    Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const result = await stack.run('kinesis', pipeline, batch);
          check(result.status, 'a kinesis execution');
          if (result.account!.counts.delivered !== batch.length) throw new Error('records were not delivered');
          done += batch.length;
          tick(done);
        }
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return { records: events, seconds, perSecond: events / seconds, peakRssMb: peak, cpuSeconds: cpuSince(cpu), batches: batches.length };
}

/** Writes `bytes` of JSON Lines events to a file without holding them in memory; returns the line count. */
export async function writeJsonl(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  let lines = 0;
  while (written < bytes) {
    const block = Array.from({ length: 1000 }, (_, i) => JSON.stringify(businessEvent(lines + i, EVENT_SPACING_MS))).join('\n') + '\n';
    lines += 1000;
    written += block.length;
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return lines;
}

/**
 * One JSON Lines object of about `bytes` through the s3 workflow. `progress` hears the object's size, then,
 * every 5 s once the split has ended, how many lines and chunks the object's ledger row has accounted for.
 */
export async function objectThroughput(stack: LocalStack, pipeline: string, bytes: number, progress: (line: string) => void): Promise<Throughput & { objectMb: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  try {
    const file = join(dir, 'events.jsonl');
    const lines = await writeJsonl(file, bytes);
    const size = (await stat(file)).size;
    progress(`${lines.toLocaleString('en-US')} lines (${Math.round(size / 2 ** 20)} MB) through the s3 workflow …`);
    const trigger = stack.config.pipelines[pipeline]!.trigger!;
    const key = `${trigger.prefix ?? ''}bench-${bytes}.jsonl`;
    await stack.servers.s3.send(new PutObjectCommand({ Bucket: trigger.bucket, Key: key, Body: createReadStream(file), ContentLength: size }));
    const event = objectCreatedFor(trigger.bucket, key, size);
    const started = performance.now();
    const cpu = process.cpuUsage();
    let split: { batchId: string; chunks: number } | undefined;
    const timer = setInterval(() => {
      if (!split) return progress(`${lines.toLocaleString('en-US')} lines: splitting, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      const { batchId, chunks } = split;
      void stack.ctx.ddb.send(new GetCommand({ TableName: stack.config.ledgerTable, Key: { batchId } })).then(
        ({ Item }) => progress(`${Number(Item?.linesDone ?? 0).toLocaleString('en-US')} / ${lines.toLocaleString('en-US')} lines, ${(Item?.doneChunks as Set<string> | undefined)?.size ?? 0} / ${chunks} chunks, ${((performance.now() - started) / 1000).toFixed(0)} s`),
        (error: Error) => progress(`(the object's ledger row could not be read: ${error.message})`),
      );
    }, 5_000);
    const onEvent = (e: TraceEvent) => {
      if (e.type === 'StateExited') {
        const output = e.state?.output as { batchId?: string; chunks?: number } | undefined;
        if (e.state?.name === Names.split && output?.batchId && typeof output.chunks === 'number') split = { batchId: output.batchId, chunks: output.chunks };
      }
    };
    const [result, peak] = await withPeakRss(() => stack.run('s3' as WorkflowName, pipeline, event, onEvent)).finally(() => clearInterval(timer));
    const seconds = (performance.now() - started) / 1000;
    check(result.status, `the s3 execution (${result.error ?? ''} ${result.cause ?? ''})`);
    if (result.account!.counts.in !== lines) throw new Error(`${lines} lines, ${result.account!.counts.in} accounted`);
    return { records: lines, seconds, perSecond: lines / seconds, peakRssMb: peak, cpuSeconds: cpuSince(cpu), objectMb: Math.round(size / 2 ** 20) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
