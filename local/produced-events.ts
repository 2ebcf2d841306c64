import type { PipelineConfig } from '../contracts/config.ts';
import { businessEvent, telemetry } from './samples.ts';

/** What a producer sends a pipeline: business events (S3, S4), vehicle telemetry (S2), API logs (S1), log lines (S0). */
export type EventKind = 'business' | 'telemetry' | 'api-log' | 'log-line';

/** The kind a pipeline of the default configuration takes, from what it validates against. */
export function kindOf(pipeline: PipelineConfig): EventKind {
  if (pipeline.workflow === 'firehose') return pipeline.firehoseMode === 'metadata' ? 'log-line' : 'api-log';
  if (pipeline.validation?.fallback === 'telemetry') return 'telemetry';
  return 'business';
}

/**
 * Event `i` of a kind, now; a malformed one breaks the pipeline's rules the way real data does (a
 * missing payload, a speed as text, a log without its message, a line that is not JSON) and must end
 * quarantined, never lost.
 */
export function producedEvent(kind: EventKind, i: number, malformed: boolean): Record<string, unknown> | string {
  const now = Date.now();
  switch (kind) {
    case 'business': {
      const event: Record<string, unknown> = { ...businessEvent(i), event_id: `p-${now}-${i}`, timestamp: new Date(now).toISOString() };
      return malformed ? { event_type: event.event_type, timestamp: event.timestamp } : event;
    }
    case 'telemetry':
      return { ...telemetry(i), timestamp: now, ...(malformed ? { speed_kmh: 'fast' } : {}) };
    case 'api-log':
      return malformed ? { level: 'warn', service: 'billing' } : { message: `request ${i} served`, level: 'info', service: 'api', timestamp: new Date(now).toISOString() };
    case 'log-line':
      return malformed ? `plain text ${i}` : JSON.stringify({ level: 'info', msg: `order ${i} placed`, latency_ms: i % 250 });
  }
}
