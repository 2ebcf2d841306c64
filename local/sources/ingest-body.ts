/** A request the ingest API refuses: its status (4xx) and the reason it answers with. */
export class IngestRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Headers the answer must carry (a 405's Allow). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const kindOf = (value: unknown) => (Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value);

const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const CLOSE_BRACKET = 0x5d;
const OPENERS = new Set([0x5b, 0x7b]);
const CLOSERS = new Set([0x5d, 0x7d]);
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The text of each element of a JSON array, as written; `text` is valid JSON (it parsed). Written here,
 * not taken from a parser library: what is needed is where each top-level element starts and ends, a walk
 * of brackets and strings, where a parser that gives offsets (jsonc-parser) builds a node per value.
 */
function elementTexts(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  const end = (at: number) => {
    if (start >= 0) out.push(text.slice(start, at).trimEnd());
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (depth === 1) {
      if (c === COMMA || c === CLOSE_BRACKET) {
        end(i);
        if (c === CLOSE_BRACKET) depth = 0;
        continue;
      }
      if (start < 0) start = i;
    }
    if (c === QUOTE) {
      for (i++; text.charCodeAt(i) !== QUOTE; i++) if (text.charCodeAt(i) === BACKSLASH) i++;
    } else if (OPENERS.has(c)) depth++;
    else if (CLOSERS.has(c)) depth--;
  }
  return out;
}

/**
 * The events of an ingest request, each as the text the producer wrote, to go on the stream as it is (as
 * Kinesis and Firehose carry a producer's bytes: decode, not the API, judges numbers JSON cannot hold,
 * nesting, duplicate keys). The body is one JSON event, a JSON array of events, or NDJSON (one per line).
 * Each must be a JSON object (the envelope API Gateway validated for the seeds); a line or element that is
 * not is refused with its position in the body, so the producer can fix it: nothing is half-accepted.
 */
export function eventsOf(body: string): string[] {
  if (body.trim() === '') throw new IngestRefusal(400, 'the body is empty: send a JSON event, a JSON array of events or NDJSON');
  let whole: unknown;
  let wholeError: Error | undefined;
  try {
    whole = JSON.parse(body);
  } catch (error) {
    wholeError = error as Error;
  }
  if (!wholeError) {
    if (!Array.isArray(whole)) {
      if (!isObject(whole)) throw new IngestRefusal(400, `event 0: expected a JSON object, got ${kindOf(whole)}`);
      return [body.trim()];
    }
    if (whole.length === 0) throw new IngestRefusal(400, 'no events in the body');
    whole.forEach((value, i) => {
      if (!isObject(value)) throw new IngestRefusal(400, `event ${i}: expected a JSON object, got ${kindOf(value)}`);
    });
    const texts = elementTexts(body);
    if (texts.length !== whole.length) throw new Error(`the body's array has ${whole.length} events, but ${texts.length} were cut out of its text`);
    return texts;
  }
  const texts: string[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      // the first line is not a value of its own: the body is one value (pretty-printed, or an array), and its own error says where
      if (texts.length === 0) throw new IngestRefusal(400, `not JSON (${wholeError.message}) nor NDJSON (line ${i + 1}: ${(error as Error).message})`);
      throw new IngestRefusal(400, `line ${i + 1}: not JSON (${(error as Error).message})`);
    }
    if (!isObject(value)) throw new IngestRefusal(400, `line ${i + 1} (event ${texts.length}): expected a JSON object, got ${kindOf(value)}`);
    texts.push(line);
  }
  return texts;
}

/** Plain log lines for the CloudWatch Logs endpoint: one event per non-empty line. */
export function logLinesOf(body: string): string[] {
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new IngestRefusal(400, 'no log lines in the body');
  return lines;
}
