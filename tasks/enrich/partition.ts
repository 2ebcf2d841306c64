import type { Partition } from '../../contracts/batch.ts';
import { timeClip } from '../shared/date-millis.ts';
import { partitionValue } from '../shared/partition-value.ts';

/** Epoch numbers below this are seconds, above it milliseconds. */
const MILLIS_FROM = 100_000_000_000;

/** A field as epoch milliseconds: a number (seconds below MILLIS_FROM), or a date string; undefined when it is neither. */
function toMillis(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return timeClip(value < MILLIS_FROM ? value * 1000 : value);
  if (typeof value === 'string' && value !== '') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return undefined;
}

/**
 * When the event happened, in epoch milliseconds: its `timestamp` or `@timestamp`, else when it arrived, else
 * now (a number out of a Date's range is now too).
 */
export function eventTime(data: Record<string, unknown>, arrivedAt: number | undefined, now: number): number {
  const ms = toMillis(data.timestamp) ?? toMillis(data['@timestamp']) ?? toMillis(arrivedAt) ?? now;
  return Number.isNaN(ms) ? now : ms;
}

const two = (n: number) => String(n).padStart(2, '0');

export function partitionOf(eventType: string, time: Date): Partition {
  return {
    event_type: partitionValue(eventType),
    year: String(time.getUTCFullYear()),
    month: two(time.getUTCMonth() + 1),
    day: two(time.getUTCDate()),
    hour: two(time.getUTCHours()),
  };
}
