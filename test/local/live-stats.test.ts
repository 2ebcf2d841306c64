import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ExecutionResult } from '../../local/engine.ts';
import { LiveStats } from '../../local/live-stats.ts';

beforeEach(() => void vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => void vi.useRealTimers());

const ended = (pipeline: string, n: number) => ({ pipeline, status: 'SUCCEEDED', account: { counts: { in: n, delivered: n, quarantined: 0, dropped: 0, backedUp: 0 } } }) as unknown as ExecutionResult;

describe('LiveStats: the live view\'s figures', () => {
  it('rates over the last 5 s, totals since the start', () => {
    const stats = new LiveStats(['a', 'b'], () => 1.5);
    stats.accepted('a', 100);
    vi.advanceTimersByTime(6_000);
    stats.accepted('a', 50);
    stats.ended(ended('a', 40));
    stats.accepted('unknown', 7);
    const [a, b] = stats.snapshot();
    expect(a).toMatchObject({ pipeline: 'a', accepted: 150, inPerSecond: 10, outPerSecond: 8, executions: 1, delivered: 40, lagSeconds: 1.5 });
    expect(b).toMatchObject({ pipeline: 'b', accepted: 0, inPerSecond: 0, executions: 0 });
  });

  it('forgets samples older than the window though nothing reads the figures (sluice start --quiet ran without bound)', () => {
    const stats = new LiveStats(['a'], () => 0);
    for (let second = 0; second < 600; second++) {
      stats.accepted('a', 500);
      stats.ended(ended('a', 500));
      vi.advanceTimersByTime(1_000);
    }
    // what the window holds: 5 s of two samples a second, whatever ran before
    expect((stats as unknown as { samples: unknown[] }).samples.length).toBeLessThanOrEqual(12);
    expect(stats.snapshot()[0]).toMatchObject({ accepted: 300_000, delivered: 300_000 });
  });
});
