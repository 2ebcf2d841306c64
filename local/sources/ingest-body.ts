/** A request the ingest API refuses: its status (4xx) and the reason it answers with. */
export class IngestRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The events of an ingest request: one JSON event, a JSON array of events, or NDJSON (one per line).
 * Each must be a JSON object (the envelope API Gateway validated for the seeds); a line or element that is
 * not is refused with its position, so the producer can fix it: nothing is half-accepted.
 */
export function eventsOf(body: string): Record<string, unknown>[] {
  const text = body.trim();
  if (text === '') throw new IngestRefusal(400, 'the body is empty: send a JSON event, a JSON array of events or NDJSON');
  let values: unknown[];
  try {
    const whole: unknown = JSON.parse(text);
    values = Array.isArray(whole) ? whole : [whole];
  } catch {
    values = text.split('\n').flatMap((line, i) => {
      if (line.trim() === '') return [];
      try {
        return [JSON.parse(line) as unknown];
      } catch (error) {
        throw new IngestRefusal(400, `line ${i + 1}: not JSON (${(error as Error).message})`);
      }
    });
  }
  if (values.length === 0) throw new IngestRefusal(400, 'no events in the body');
  values.forEach((value, i) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new IngestRefusal(400, `event ${i}: expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
    }
  });
  return values as Record<string, unknown>[];
}

/** Plain log lines for the CloudWatch Logs endpoint: one event per non-empty line. */
export function logLinesOf(body: string): string[] {
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new IngestRefusal(400, 'no log lines in the body');
  return lines;
}
