import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SluiceConfig } from '../contracts/config.ts';
import type { ExecutionResult } from '../local/engine.ts';
import { startRunningStack } from '../local/running-stack.ts';
import type { ThreadLoad } from '../local/thread-load.ts';
import { setTimeout as sleep } from 'node:timers/promises';

export interface SustainedRun {
  offeredPerSecond: number;
  seconds: number;
  records: number;
  sustainedPerSecond: number;
  maxLagSeconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** The stack's process (engine, tasks, local servers), sampled while it ran; and before it started (the bench's earlier parts ran in the same process). */
  peakRssMb: number;
  rssBeforeMb: number;
  /** How long the stop took once the last record was processed (in-flight work, traces still being written). */
  stopMs: number;
  /** How busy the stack's main and servers' threads were from the producer's start to the last record processed. */
  busy: ThreadLoad;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/**
 * S4 through the running stack, as a user drives it: `sluice produce` in a process of its own POSTs events
 * to the ingest API at `rate`/s for `seconds` (500 a request), through the Pipe, the raw lake, the object events and the s3 workflow into the processed
 * lake. Sustained rate = records processed / time from the first event's arrival on the stream until the last was processed; latency per record = end of
 * the s3 execution that processed its raw object - the arrival of the oldest record of the raw batch.
 */
export async function sustainedS4(config: SluiceConfig, rate: number, seconds: number, progress: (line: string) => void): Promise<SustainedRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sluice-bench-running-'));
  const arrivalOfObject = new Map<string, number>();
  const latencies: number[] = [];
  let processed = 0;
  // from the first event's arrival on the stream (the producer's own start is not the stack's time) to the last one processed
  let firstArrival = Infinity;
  let lastProcessed = 0;
  const onExecution = (result: ExecutionResult) => {
    const ended = Date.now();
    if (result.pipeline === 's4-events-raw') {
      const batch = (result.events[0]?.input ?? []) as { approximateArrivalTimestamp: number }[];
      const oldest = Math.min(...batch.map((r) => r.approximateArrivalTimestamp * 1000));
      firstArrival = Math.min(firstArrival, oldest);
      for (const place of result.account?.outputs['s3-lake'] ?? []) arrivalOfObject.set(place.replace(/^s3:\/\/[^/]+\//, ''), oldest);
    } else if (result.pipeline === 's4-events-processed') {
      const key = (result.events[0]?.input as { detail?: { object?: { key?: string } } } | undefined)?.detail?.object?.key ?? '';
      const arrived = arrivalOfObject.get(decodeURIComponent(key.replace(/\+/g, ' ')));
      const records = result.account?.counts.in ?? 0;
      processed += records;
      lastProcessed = ended;
      if (arrived !== undefined) for (let i = 0; i < records; i++) latencies.push(ended - arrived);
    }
  };
  const running = await startRunningStack(config, { dataDir, port: 0, onExecution });
  const total = rate * seconds;
  let maxLag = 0;
  let peakRss = 0;
  const rssBefore = process.memoryUsage.rss();
  let stopMs = 0;
  const busyUntilNow = running.loadFrom();
  let busy: ThreadLoad | undefined;
  const lagNow = () => (maxLag = Math.max(maxLag, running.stats.snapshot().find((f) => f.pipeline === 's4-events-raw')!.lagSeconds));
  try {
    const producer = spawn(
      process.execPath,
      [fileURLToPath(new URL('../bin/sluice.mjs', import.meta.url)), 'produce', '--pipeline', 's4-events-raw', '--rate', String(rate), '--duration', String(seconds), '--batch-size', '500', '--url', running.endpoints.ingest!],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let said = '';
    producer.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const exited = once(producer, 'exit');
    const ticker = setInterval(() => {
      lagNow();
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      progress(`running stack: producing, ${processed} processed`);
    }, 500);
    const [code] = (await exited.finally(() => clearInterval(ticker))) as [number | null];
    if (code !== 0) throw new Error(`sluice produce exited ${code}: ${said.trim()}`);
    const sent = JSON.parse(said.trim().split('\n').pop()!) as { accepted: number };
    if (sent.accepted !== total) throw new Error(`the ingest API accepted ${sent.accepted} of ${total} events`);
    while (processed < total) {
      await sleep(200);
      lagNow();
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      progress(`running stack: ${total} sent, ${processed} processed`);
    }
    busy = busyUntilNow();
  } finally {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const stopping = Date.now();
    await running.stop();
    stopMs = Date.now() - stopping;
    await rm(dataDir, { recursive: true, force: true });
  }
  const elapsed = (lastProcessed - firstArrival) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    offeredPerSecond: rate,
    seconds,
    records: processed,
    sustainedPerSecond: processed / elapsed,
    maxLagSeconds: maxLag,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    peakRssMb: Math.round(peakRss / 2 ** 20),
    rssBeforeMb: Math.round(rssBefore / 2 ** 20),
    stopMs,
    busy: busy!,
  };
}
