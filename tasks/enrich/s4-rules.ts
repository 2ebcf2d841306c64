import type { S4Rules } from '../../contracts/config.ts';

const object = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

export function amountCategory(amount: number, bounds: S4Rules['amountBounds']): string {
  if (amount < bounds.micro) return 'micro';
  if (amount < bounds.small) return 'small';
  if (amount < bounds.medium) return 'medium';
  return 'large';
}

export function sessionCategory(seconds: number, bounds: S4Rules['sessionBounds']): string {
  if (seconds < bounds.short) return 'short';
  if (seconds < bounds.medium) return 'medium';
  return 'long';
}

/** System S4's business enrichment, by event type; an event type without rules gets none. */
export function s4Enrichment(data: Record<string, unknown>, rules: S4Rules): Record<string, unknown> {
  const payload = object(data.payload);
  switch (data.event_type) {
    case 'transaction': {
      const amount = number(payload.amount);
      if (amount === undefined) return {};
      return { amount_category: amountCategory(amount, rules.amountBounds), is_high_value: amount > rules.highValueThreshold };
    }
    case 'user_action': {
      const seconds = number(payload.session_duration);
      return seconds === undefined ? {} : { session_category: sessionCategory(seconds, rules.sessionBounds) };
    }
    case 'metric': {
      const name = typeof payload.metric_name === 'string' ? payload.metric_name : undefined;
      const value = number(payload.value);
      const range = name !== undefined && Object.hasOwn(rules.metricRanges, name) ? rules.metricRanges[name] : undefined;
      if (value === undefined || !range) return {};
      const [low, high] = range;
      const valueRange = value < low ? 'below' : value > high ? 'above' : 'within';
      return { value_range: valueRange, is_anomaly: valueRange !== 'within' };
    }
    default:
      return {};
  }
}
