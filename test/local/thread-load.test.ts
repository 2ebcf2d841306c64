import type { EventLoopUtilization } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadLine } from '../../cli/live-view.ts';
import { threadLoad } from '../../local/thread-load.ts';

/** A thread's readings as performance.eventLoopUtilization gives them: busy and idle ms so far. */
function thread() {
  const so = { active: 0, idle: 0 };
  return {
    read: (): EventLoopUtilization => ({ active: so.active, idle: so.idle, utilization: so.active / (so.active + so.idle || 1) }),
    spend: (active: number, idle: number) => {
      so.active += active;
      so.idle += idle;
    },
  };
}

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('threadLoad: how busy the stack\'s threads were', () => {
  it('is the last window\'s share of busy time on each thread, and since the start until a window has passed', () => {
    const main = thread();
    const servers = thread();
    const load = threadLoad(servers.read, main.read, 5_000);
    main.spend(1_000, 1_000);
    servers.spend(500, 1_500);
    vi.advanceTimersByTime(2_000);
    expect(load.load()).toStrictEqual({ mainThread: 0.5, serversThread: 0.25, seconds: 2 });
    main.spend(2_600, 400);
    servers.spend(2_700, 300);
    vi.advanceTimersByTime(3_000);
    // the first window: 3,600 of 5,000 ms on the main thread, 3,200 on the servers'
    expect(load.load()).toStrictEqual({ mainThread: 0.72, serversThread: 0.64, seconds: 5 });
    // a window counts only its own time
    main.spend(5_000, 0);
    servers.spend(4_750, 250);
    vi.advanceTimersByTime(5_000);
    expect(load.load()).toStrictEqual({ mainThread: 1, serversThread: 0.95, seconds: 5 });
    // a window of the caller's own, across the timer's windows
    const run = load.from();
    main.spend(2_000, 2_000);
    servers.spend(1_000, 3_000);
    vi.advanceTimersByTime(4_000);
    main.spend(1_000, 3_000);
    servers.spend(0, 4_000);
    vi.advanceTimersByTime(4_000);
    expect(run()).toStrictEqual({ mainThread: 0.375, serversThread: 0.125, seconds: 8 });
    load.stop();
  });

  it('says the threads are saturated only when both are busy 90 % of the time or more', () => {
    expect(loadLine({ mainThread: 0.72, serversThread: 0.64, seconds: 5 })).toBe('threads busy over 5 s: main 72 %, servers 64 %');
    expect(loadLine({ mainThread: 1, serversThread: 0.95, seconds: 5 })).toBe('threads busy over 5 s: main 100 %, servers 95 %: both saturated, lag grows while input comes faster and more shards or lanes cannot help');
    expect(loadLine({ mainThread: 1, serversThread: 0.5, seconds: 5 })).not.toContain('saturated');
    expect(loadLine({ mainThread: 0.9, serversThread: 0.9, seconds: 5 })).toContain('saturated');
  });
});
