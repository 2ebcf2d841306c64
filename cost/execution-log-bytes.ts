import type { TraceEvent } from '../local/engine.ts';

/** CloudWatch Logs keeps at most 256 KB of an event's input or output. */
const DATA_CAP = 256 * 1024;
/** What an Express log line carries beside the data: ids, the execution ARN, the timestamp, the type. */
const LINE_OVERHEAD = 300;

/**
 * The bytes an execution's history would take in CloudWatch Logs at level ALL with execution data: one
 * line per history event, its input and output (each capped as CloudWatch caps them) and the fixed fields.
 */
export function executionLogBytes(events: TraceEvent[]): number {
  return events.reduce((total, event) => {
    const data = [event.input ?? event.state?.input, event.state?.output].filter((value) => value !== undefined).map((value) => Math.min(DATA_CAP, Buffer.byteLength(JSON.stringify(value))));
    return total + LINE_OVERHEAD + Buffer.byteLength(event.type) + (event.state?.name.length ?? 0) + data.reduce((a, b) => a + b, 0);
  }, 0);
}
