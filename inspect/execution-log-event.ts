import * as t from 'io-ts';
import { decodeOrThrow } from '../contracts/decode.ts';

/**
 * One event of an Express execution's history as Step Functions writes it to the state machine's log group:
 * `{id, previous_event_id, type, details: {name, input, inputDetails: {truncated}, output, error, cause,
 * index, ...}, event_timestamp, execution_arn}` (AWS's examples; the reference calls the spelling
 * unconfirmed). So both spellings are read: snake_case as logged, and camelCase as the history API spells
 * them (`previousEventId`, `executionArn`, `timestamp`, and details under `<type>EventDetails`).
 */
const Details = t.partial({
  name: t.string,
  input: t.string,
  output: t.string,
  inputDetails: t.partial({ truncated: t.boolean }),
  outputDetails: t.partial({ truncated: t.boolean }),
  input_details: t.partial({ truncated: t.boolean }),
  output_details: t.partial({ truncated: t.boolean }),
  error: t.string,
  cause: t.string,
  index: t.union([t.number, t.string]),
});
type Details = t.TypeOf<typeof Details>;

const Stamp = t.union([t.string, t.number]);

const RawLogEvent = t.intersection([
  t.type({ type: t.string }),
  t.partial({
    id: Stamp,
    previous_event_id: Stamp,
    previousEventId: Stamp,
    event_timestamp: Stamp,
    eventTimestamp: Stamp,
    timestamp: Stamp,
    execution_arn: t.string,
    executionArn: t.string,
    details: Details,
  }),
]);

/** A log event read in either spelling: the same fields, one name each. */
export interface ExecutionLogEvent {
  id: number;
  type: string;
  /** Epoch milliseconds. */
  timestamp: number;
  executionArn: string;
  name?: string;
  input?: Payload;
  output?: Payload;
  error?: string;
  cause?: string;
  index?: number;
}

/** A state's data as logged: the JSON text, or what CloudWatch Logs kept of it when it was cut (over 248 KB escaped). */
export type Payload = { text: string; truncated: boolean };

function epochMs(value: string | number | undefined, where: string): number {
  if (value === undefined) throw new Error(`${where}: no event_timestamp`);
  const ms = typeof value === 'number' || /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`${where}: event_timestamp ${JSON.stringify(value)} is not a time`);
  return ms;
}

/** `details`, or the history API's `<type>EventDetails` (e.g. taskStateEnteredEventDetails). */
function detailsOf(raw: Record<string, unknown>, where: string): Details {
  const key = Object.keys(raw).find((k) => k === 'details' || k.endsWith('EventDetails'));
  return key === undefined ? {} : decodeOrThrow(Details, raw[key], `${where} ${key}`);
}

const payload = (text: string | undefined, details: { truncated?: boolean } | undefined): Payload | undefined =>
  text === undefined ? undefined : { text, truncated: details?.truncated === true };

/**
 * Reads one log event's message. `where` names it in an error (log group and event id): a message that is
 * not an execution event is an error, not skipped, since it means the format is not what sluice reads.
 */
export function readExecutionLogEvent(message: string, where: string, fallbackTimestamp?: number): ExecutionLogEvent {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    throw new Error(`${where}: not a JSON execution event: ${message.slice(0, 80)}`);
  }
  const raw = decodeOrThrow(RawLogEvent, json, where);
  const details = detailsOf(json as Record<string, unknown>, where);
  const executionArn = raw.execution_arn ?? raw.executionArn;
  if (!executionArn) throw new Error(`${where}: no execution_arn`);
  const input = payload(details.input, details.inputDetails ?? details.input_details);
  const output = payload(details.output, details.outputDetails ?? details.output_details);
  return {
    id: Number(raw.id ?? 0),
    type: raw.type,
    timestamp: epochMs(raw.event_timestamp ?? raw.eventTimestamp ?? raw.timestamp ?? fallbackTimestamp, where),
    executionArn,
    ...(details.name !== undefined ? { name: details.name } : {}),
    ...(input ? { input } : {}),
    ...(output ? { output } : {}),
    ...(details.error !== undefined ? { error: details.error } : {}),
    ...(details.cause !== undefined ? { cause: details.cause } : {}),
    ...(details.index !== undefined ? { index: Number(details.index) } : {}),
  };
}
