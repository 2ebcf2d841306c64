import type { PipelineFigures } from '../local/live-stats.ts';
import { table } from './table.ts';

const rate = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(n < 10 ? 1 : 0));

/** The live view's table, as `vector top` shows components: one row per pipeline. */
export function liveTable(figures: PipelineFigures[]): string {
  return table(
    ['pipeline', 'in/s', 'out/s', 'accepted', 'executions', 'failed', 'delivered', 'quarantined', 'dropped', 'backedUp', 'lag'],
    figures.map((f) => [f.pipeline, rate(f.inPerSecond), rate(f.outPerSecond), f.accepted, f.executions, f.failed, f.delivered, f.quarantined, f.dropped, f.backedUp, `${f.lagSeconds.toFixed(1)} s`]),
  );
}

/**
 * Redraws the table in place on a terminal, once a second; elsewhere (a log file, CI) prints it every
 * `quietSeconds` when something moved, so a log stays readable.
 */
export function startLiveView(figures: () => PipelineFigures[], out: NodeJS.WriteStream = process.stderr, quietSeconds = 10): () => void {
  let drawn = 0;
  let last = '';
  const draw = () => {
    const text = liveTable(figures());
    if (out.isTTY) {
      out.write(`${drawn > 0 ? `\x1b[${drawn}F\x1b[J` : ''}${text}\n`);
      drawn = text.split('\n').length;
    } else if (text !== last) {
      out.write(`${new Date().toISOString()}\n${text}\n`);
    }
    last = text;
  };
  const timer = setInterval(draw, out.isTTY ? 1000 : quietSeconds * 1000);
  return () => clearInterval(timer);
}
