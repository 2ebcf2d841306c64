import type { ExecutionResult, TraceEvent } from './engine.ts';

/** Payloads serialised to this many characters or more are kept as bytes and written as they are, each time they appear. */
const SHARED_CHARS = 4096;

/**
 * An execution's trace as the store writes it (JSON, as pieces of one file): the result without what the
 * engine kept in process (`claimed`, written beside it), its chunk executions' traces within.
 *
 * The engine hands a state's input to its StateEntered and StateExited events and its output on as the
 * next state's input, the same object each time. Each is serialised and encoded once here and its bytes
 * written again where it appears again: a Pipes batch of 300 records makes a 1.86 MB trace in which a
 * 240 KB input and a 120 KB body appear three to five times. Building that trace as one string and
 * encoding it cost about twice as much as these pieces (measured: 9.3 against 4.4 ms for that trace).
 * Payloads are JSON values, as the engine's are (a function or a `toJSON` would be written otherwise).
 */
export function traceBytes(result: ExecutionResult): Buffer[] {
  const pieces: Buffer[] = [];
  const shared = new Map<object, string | Buffer>();
  let text = '';
  const flush = () => {
    if (text !== '') pieces.push(Buffer.from(text));
    text = '';
  };
  const payload = (value: unknown) => {
    if (typeof value !== 'object' || value === null) {
      text += JSON.stringify(value) ?? 'null';
      return;
    }
    let known = shared.get(value);
    if (known === undefined) {
      const json = JSON.stringify(value) ?? 'null';
      shared.set(value, (known = json.length >= SHARED_CHARS ? Buffer.from(json) : json));
    }
    if (typeof known === 'string') text += known;
    else {
      flush();
      pieces.push(known);
    }
  };
  // `{...fields` of an object without its closing brace, and the comma its next field needs
  const open = (fields: object) => {
    const json = JSON.stringify(fields);
    text += json.slice(0, -1);
    return json === '{}' ? '' : ',';
  };
  const event = (entry: TraceEvent) => {
    const { state, ...rest } = entry;
    if (!state || typeof state !== 'object' || Array.isArray(state)) {
      text += JSON.stringify(entry);
      return;
    }
    const afterRest = open(rest);
    text += `${afterRest}"state":`;
    const { input, output, ...named } = state;
    let comma = open(named);
    if (input !== undefined) {
      text += `${comma}"input":`;
      payload(input);
      comma = ',';
    }
    if (output !== undefined) {
      text += `${comma}"output":`;
      payload(output);
    }
    text += '}}';
  };
  const trace = ({ claimed: _claimed, chunks, events, ...rest }: ExecutionResult) => {
    const comma = open(rest);
    text += `${comma}"events":[`;
    events.forEach((entry, i) => {
      if (i > 0) text += ',';
      event(entry);
    });
    text += ']';
    if (chunks) {
      text += ',"chunks":[';
      chunks.forEach((chunk, i) => {
        if (i > 0) text += ',';
        trace(chunk);
      });
      text += ']';
    }
    text += '}';
  };
  trace(result);
  flush();
  return pieces;
}
