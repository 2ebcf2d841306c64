import { describe, expect, it } from 'vitest';
import { LIMIT_DEFAULTS } from '../../../contracts/config.ts';
import { MAX_REDELIVERY_WAIT_SECONDS } from '../../../contracts/timing.ts';
import { backoffSeconds } from '../../../tasks/deliver/index.ts';

const limits = (retryBaseSeconds: number) => ({ ...LIMIT_DEFAULTS, retryBaseSeconds });
const fixed = (value: number) => () => value;

describe('backoffSeconds', () => {
  it('is full jitter: anywhere from 1 s to base x 2^(attempt-1), in whole seconds', () => {
    // attempt 3, base 1: the ceiling is 4 s
    expect(backoffSeconds(3, limits(1), fixed(0))).toBe(1);
    expect(backoffSeconds(3, limits(1), fixed(0.3))).toBe(2);
    expect(backoffSeconds(3, limits(1), fixed(0.6))).toBe(3);
    expect(backoffSeconds(3, limits(1), fixed(0.99))).toBe(4);
    // attempt 1 (and 0) waits up to the base itself
    expect(backoffSeconds(1, limits(2), fixed(0.99))).toBe(2);
    expect(backoffSeconds(0, limits(2), fixed(0.99))).toBe(2);
  });

  it('never waits longer than MAX_REDELIVERY_WAIT_SECONDS, however late the attempt or large the base', () => {
    expect(MAX_REDELIVERY_WAIT_SECONDS).toBe(16);
    expect(backoffSeconds(10, limits(1), fixed(0.99))).toBe(16);
    expect(backoffSeconds(40, limits(1), fixed(1))).toBe(16);
    expect(backoffSeconds(1, limits(100), fixed(1))).toBe(16);
    // the jitter is taken under the cap, not over the uncapped ceiling: attempt 10 is 512 s uncapped
    expect(backoffSeconds(10, limits(1), fixed(0.5))).toBe(8);
  });

  it('does not wait at all when retryBaseSeconds is 0', () => {
    expect(backoffSeconds(1, limits(0), fixed(0.99))).toBe(0);
    expect(backoffSeconds(12, limits(0), fixed(1))).toBe(0);
  });
});
