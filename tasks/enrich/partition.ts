import type { Partition } from '../../contracts/batch.ts';
import { partitionValue } from '../shared/partition-value.ts';

/** Epoch numbers below this are seconds, above it milliseconds. */
const MILLIS_FROM = 100_000_000_000;

function toDate(value: unknown): Date | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value < MILLIS_FROM ? value * 1000 : value);
  if (typeof value === 'string' && value !== '') {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return undefined;
}

/** When the event happened: its `timestamp` or `@timestamp`, else when it arrived, else now. */
export function eventTime(data: Record<string, unknown>, arrivedAt: number | undefined, now: number): Date {
  const date = toDate(data.timestamp) ?? toDate(data['@timestamp']) ?? toDate(arrivedAt) ?? new Date(now);
  return Number.isNaN(date.getTime()) ? new Date(now) : date;
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
