import type { AlertSink, MalformedAlert } from '../../contracts/alerts.ts';
import type { Quarantined } from '../../contracts/batch.ts';

const SHOWN_RECORDS = 10;
const RAW_EVENT_CHARS = 1024;

const eventType = (raw: string): string | null => {
  try {
    const value = JSON.parse(raw) as { event_type?: unknown };
    return typeof value?.event_type === 'string' ? value.event_type : null;
  } catch {
    // raw bytes (base64) or text: the record has no event type to name
    return null;
  }
};

/** The alert of a batch that quarantined records: the first ten of them, their raw events cut at 1 KB. */
export function malformedAlert(pipeline: string, batchId: string, quarantined: Quarantined[], now: number): Omit<MalformedAlert, 'suppressed'> {
  return {
    timestamp: new Date(now).toISOString(),
    pipeline,
    batchId,
    quarantined: quarantined.length,
    records: quarantined.slice(0, SHOWN_RECORDS).map((q) => ({
      event_type: eventType(q.raw),
      errors: q.errors.length > 0 ? q.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)) : [q.reason],
      raw_event: q.raw.slice(0, RAW_EVENT_CHARS),
      severity: q.severity,
    })),
  };
}

/**
 * At most one alert per pipeline per `minIntervalMs` (per process: on AWS, per function instance); the
 * batches held back are counted into the next alert, so a flood reads as one alert and a number.
 */
export function rateLimited(send: AlertSink, minIntervalMs = 10_000, now = Date.now): (alert: Omit<MalformedAlert, 'suppressed'>) => Promise<boolean> {
  const last = new Map<string, number>();
  const held = new Map<string, number>();
  return async (alert) => {
    const at = now();
    if (at - (last.get(alert.pipeline) ?? -Infinity) < minIntervalMs) {
      held.set(alert.pipeline, (held.get(alert.pipeline) ?? 0) + 1);
      return false;
    }
    last.set(alert.pipeline, at);
    const suppressed = held.get(alert.pipeline) ?? 0;
    held.delete(alert.pipeline);
    await send({ ...alert, suppressed });
    return true;
  };
}
