import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SluiceConfig } from '../contracts/config.ts';
import type { ExecutionResult } from '../local/engine.ts';
import { producedEvent } from '../local/produced-events.ts';
import { startRunningStack } from '../local/running-stack.ts';

export interface SustainedRun {
  offeredPerSecond: number;
  seconds: number;
  records: number;
  sustainedPerSecond: number;
  maxLagSeconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/**
 * S4 through the running stack, as a user drives it: events POSTed to the ingest API at `rate`/s for
 * `seconds`, through the Pipe, the raw lake, the object events and the s3 workflow into the processed
 * lake. Sustained rate = records processed / time until the last one was; latency per record = end of
 * the s3 execution that processed its raw object - the arrival of the oldest record of the raw batch.
 */
export async function sustainedS4(config: SluiceConfig, rate: number, seconds: number, progress: (line: string) => void): Promise<SustainedRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sluice-bench-running-'));
  const arrivalOfObject = new Map<string, number>();
  const latencies: number[] = [];
  let processed = 0;
  const onExecution = (result: ExecutionResult) => {
    const ended = Date.now();
    if (result.pipeline === 's4-events-raw') {
      const batch = (result.events[0]?.input ?? []) as { approximateArrivalTimestamp: number }[];
      const oldest = Math.min(...batch.map((r) => r.approximateArrivalTimestamp * 1000));
      for (const place of result.account?.outputs['s3-lake'] ?? []) arrivalOfObject.set(place.replace(/^s3:\/\/[^/]+\//, ''), oldest);
    } else if (result.pipeline === 's4-events-processed') {
      const key = (result.events[0]?.input as { detail?: { object?: { key?: string } } } | undefined)?.detail?.object?.key ?? '';
      const arrived = arrivalOfObject.get(decodeURIComponent(key.replace(/\+/g, ' ')));
      const records = result.account?.counts.in ?? 0;
      processed += records;
      if (arrived !== undefined) for (let i = 0; i < records; i++) latencies.push(ended - arrived);
    }
  };
  const running = await startRunningStack(config, { dataDir, port: 0, onExecution });
  const target = `${running.endpoints.ingest}/pipelines/s4-events-raw/records`;
  const total = rate * seconds;
  const started = Date.now();
  let maxLag = 0;
  try {
    let sent = 0;
    while (sent < total) {
      const due = started + (sent / rate) * 1000;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const count = Math.min(500, total - sent);
      const body = Array.from({ length: count }, (_, i) => JSON.stringify(producedEvent('business', sent + i, false))).join('\n');
      const response = await fetch(target, { method: 'POST', body });
      if (response.status !== 202) throw new Error(`the ingest API answered ${response.status}: ${await response.text()}`);
      sent += count;
      maxLag = Math.max(maxLag, running.stats.snapshot().find((f) => f.pipeline === 's4-events-raw')!.lagSeconds);
      progress(`running stack: ${sent} sent, ${processed} processed`);
    }
    while (processed < total) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      maxLag = Math.max(maxLag, running.stats.snapshot().find((f) => f.pipeline === 's4-events-raw')!.lagSeconds);
      progress(`running stack: ${total} sent, ${processed} processed`);
    }
  } finally {
    await running.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  const elapsed = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    offeredPerSecond: rate,
    seconds,
    records: processed,
    sustainedPerSecond: processed / elapsed,
    maxLagSeconds: maxLag,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
  };
}
