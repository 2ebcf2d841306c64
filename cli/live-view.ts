import type { PipelineFigures } from '../local/live-stats.ts';
import type { ThreadLoad } from '../local/thread-load.ts';
import { table } from './table.ts';

const rate = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(n < 10 ? 1 : 0));

/** The live view's table, as `vector top` shows components: one row per pipeline. */
export function liveTable(figures: PipelineFigures[]): string {
  return table(
    ['pipeline', 'in/s', 'out/s', 'accepted', 'executions', 'failed', 'delivered', 'quarantined', 'dropped', 'backedUp', 'lag'],
    figures.map((f) => [f.pipeline, rate(f.inPerSecond), rate(f.outPerSecond), f.accepted, f.executions, f.failed, f.delivered, f.quarantined, f.dropped, f.backedUp, `${f.lagSeconds.toFixed(1)} s`]),
  );
}

const percent = (share: number) => `${Math.round(share * 100)} %`;

/** How busy the stack's threads were, and what that means when both are (nearly) always busy. */
export function loadLine(load: ThreadLoad): string {
  const line = `threads busy over ${load.seconds.toFixed(0)} s: main ${percent(load.mainThread)}, servers ${percent(load.serversThread)}`;
  return load.mainThread >= 0.9 && load.serversThread >= 0.9 ? `${line}: both saturated, lag grows while input comes faster and more shards or lanes cannot help` : line;
}

/**
 * Redraws the table and the threads' load in place on a terminal, once a second; elsewhere (a log file,
 * CI) prints them every `quietSeconds` when the table moved, so a log stays readable.
 */
export function startLiveView(figures: () => PipelineFigures[], load: () => ThreadLoad, out: NodeJS.WriteStream = process.stderr, quietSeconds = 10): () => void {
  let drawn = 0;
  let last = '';
  const draw = () => {
    const figuresTable = liveTable(figures());
    const text = `${figuresTable}\n${loadLine(load())}`;
    if (out.isTTY) {
      out.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${text}\n`);
      drawn = text.split('\n').length;
    } else if (figuresTable !== last) {
      out.write(`${new Date().toISOString()}\n${text}\n`);
    }
    last = figuresTable;
  };
  const timer = setInterval(draw, out.isTTY ? 1000 : quietSeconds * 1000);
  return () => clearInterval(timer);
}
