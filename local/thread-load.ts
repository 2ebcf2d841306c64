import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/**
 * How busy the stack's two threads were over the last window, from 0 to 1 (event-loop utilisation): the
 * main thread runs the engine, the tasks, the sources and the trace store; the servers' thread s3rver,
 * dynalite and kinesalite. Near 1 on both, the process is saturated (on a 2-core machine, its CPU is):
 * input that comes faster makes lag grow, and a parallelization factor or more shards cannot help.
 */
export interface ThreadLoad {
  mainThread: number;
  serversThread: number;
  /** The window's length in seconds (since the start, until a first window has passed). */
  seconds: number;
}

export const LOAD_WINDOW_MS = 5_000;

type Reading = () => EventLoopUtilization;
type Sample = { main: EventLoopUtilization; servers: EventLoopUtilization; at: number };

/** 0 for a window of no time at all (read in the tick it began), not NaN. */
const busy = (now: EventLoopUtilization, before: EventLoopUtilization) => performance.eventLoopUtilization(now, before).utilization || 0;

/**
 * Reads both threads' event-loop utilisation every `windowMs`; `load()` is the last window's, and
 * `from()` starts a window of the caller's own (a run of the bench), read when the function it returns is called.
 */
export function threadLoad(
  servers: Reading,
  main: Reading = () => performance.eventLoopUtilization(),
  windowMs = LOAD_WINDOW_MS,
): { load: () => ThreadLoad; from: () => () => ThreadLoad; stop: () => void } {
  const sample = (): Sample => ({ main: main(), servers: servers(), at: Date.now() });
  const between = (now: Sample, before: Sample): ThreadLoad => ({
    mainThread: busy(now.main, before.main),
    serversThread: busy(now.servers, before.servers),
    seconds: (now.at - before.at) / 1000,
  });
  let before = sample();
  let last: ThreadLoad | undefined;
  const timer = setInterval(() => {
    const now = sample();
    last = between(now, before);
    before = now;
  }, windowMs);
  timer.unref();
  return {
    load: () => last ?? between(sample(), before),
    from: () => {
      const start = sample();
      return () => between(sample(), start);
    },
    stop: () => clearInterval(timer),
  };
}
