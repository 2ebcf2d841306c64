import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../../tasks/shared/iso-time.ts';

/** What isoTime stands in for: the string, or the error's class and message. */
const viaDate = (ms: number): string => {
  try {
    return new Date(ms).toISOString();
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
};
const viaIsoTime = (ms: number): string => {
  try {
    return isoTime(ms);
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
};

describe('isoTime: new Date(ms).toISOString(), faster', () => {
  it('writes what toISOString writes, and throws what it throws, for any number', () => {
    const millis = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_799_999 }),
      fc.double({ min: -1e16, max: 1e16 }),
      fc.double(),
      fc.constantFrom(0, -0, -1, -0.5, 0.999, 86_399_999.9, 253_402_300_799_999, 253_402_300_800_000, 8.64e15, 8.64e15 + 1, -8.64e15, NaN, Infinity, -Infinity),
    );
    fc.assert(
      fc.property(fc.array(millis, { minLength: 1, maxLength: 5 }), (list) => {
        // several in a row: the kept last result and the kept day must never leak into the next
        for (const ms of list) expect(viaIsoTime(ms), String(ms)).toBe(viaDate(ms));
      }),
      { numRuns: 2000 },
    );
  });

  it('every millisecond of a day boundary and the last of year 9999', () => {
    for (const ms of [Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 2, 1), Date.UTC(1970, 0, 1, 0, 0, 0, 1), 253_402_300_799_999]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});
