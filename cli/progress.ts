import type { TraceEvent } from '../local/engine.ts';

/** Prints a line to stderr as each state is entered, retried or caught: progress a person can follow. */
export function progress(prefix = '  '): (event: TraceEvent) => void {
  const started = Date.now();
  return (event) => {
    const at = `${String(Date.now() - started).padStart(6)} ms`;
    const name = event.state?.name;
    if (event.type === 'StateEntered' && name) process.stderr.write(`${prefix}${at}  ▸ ${name}\n`);
    else if (event.type === 'StateRetried' && name) process.stderr.write(`${prefix}${at}  ↻ ${name} retried\n`);
    else if (event.type === 'StateCaught' && name) process.stderr.write(`${prefix}${at}  ✗ ${name} failed, caught\n`);
    else if (event.type === 'MapIterationStarted') process.stderr.write(`${prefix}${at}  ▸ chunk ${String(event.index)}\n`);
  };
}
