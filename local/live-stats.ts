import type { ExecutionResult } from './engine.ts';

/** What the live view shows of one pipeline since the stack started. */
export interface PipelineFigures {
  pipeline: string;
  inPerSecond: number;
  outPerSecond: number;
  accepted: number;
  executions: number;
  failed: number;
  delivered: number;
  quarantined: number;
  dropped: number;
  backedUp: number;
  lagSeconds: number;
}

const WINDOW_MS = 5_000;

/** Counts per pipeline, fed by the ingest API (in) and by every execution that ended (out), with rates over the last 5 s. */
export class LiveStats {
  private readonly figures = new Map<string, Omit<PipelineFigures, 'inPerSecond' | 'outPerSecond' | 'lagSeconds'>>();
  private readonly samples: { time: number; pipeline: string; in: number; out: number }[] = [];

  constructor(
    pipelines: string[],
    private readonly lag: (pipeline: string) => number,
  ) {
    for (const pipeline of pipelines) {
      this.figures.set(pipeline, { pipeline, accepted: 0, executions: 0, failed: 0, delivered: 0, quarantined: 0, dropped: 0, backedUp: 0 });
    }
  }

  accepted(pipeline: string, records: number): void {
    const f = this.figures.get(pipeline);
    if (!f) return;
    f.accepted += records;
    this.sample({ time: Date.now(), pipeline, in: records, out: 0 });
  }

  /** An execution ended (a chunk's counts arrive with its object's). */
  ended(result: ExecutionResult): void {
    const f = this.figures.get(result.pipeline);
    if (!f) return;
    f.executions++;
    if (result.status !== 'SUCCEEDED') f.failed++;
    const counts = result.account?.counts;
    if (!counts) return;
    f.delivered += counts.delivered;
    f.quarantined += counts.quarantined;
    f.dropped += counts.dropped;
    f.backedUp += counts.backedUp;
    this.sample({ time: Date.now(), pipeline: result.pipeline, in: 0, out: counts.in });
  }

  /** A sample in, those older than the window out (also when nothing reads the figures: `start --quiet`). */
  private sample(entry: (typeof this.samples)[number]): void {
    this.samples.push(entry);
    this.forget(entry.time);
  }

  private forget(now: number): void {
    while (this.samples.length > 0 && this.samples[0]!.time < now - WINDOW_MS) this.samples.shift();
  }

  snapshot(now = Date.now()): PipelineFigures[] {
    this.forget(now);
    return [...this.figures.values()].map((f) => {
      const recent = this.samples.filter((s) => s.pipeline === f.pipeline);
      const rate = (key: 'in' | 'out') => recent.reduce((sum, s) => sum + s[key], 0) / (WINDOW_MS / 1000);
      return { ...f, inPerSecond: rate('in'), outPerSecond: rate('out'), lagSeconds: this.lag(f.pipeline) };
    });
  }
}
