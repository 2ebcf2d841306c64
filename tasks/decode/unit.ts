import type { Dropped, Quarantined, Rec } from '../../contracts/batch.ts';
import { CloudWatchLogsPayload } from '../../contracts/cloudwatch-logs.ts';
import type { Limits } from '../../contracts/config.ts';
import { isDateMillis } from '../shared/date-millis.ts';
import { recordId } from '../shared/ids.ts';
import { isoTime } from '../shared/iso-time.ts';
import { fromBase64, maybeInflate, toText, UndecodableError } from './bytes.ts';
import { firstInexact, parseText, shapeProblem } from './parse.ts';

/** A source unit before decoding: a Kinesis record, a Firehose record, or a line of an S3 object. */
export interface Unit {
  unit: string;
  coordinates: string;
  /** base64 for Kinesis and Firehose, the line itself for S3. */
  data: string;
  encoding: 'base64' | 'text';
  arrivedAt?: number;
}

export interface Decoded {
  records: Rec[];
  quarantined: Quarantined[];
  dropped: Dropped[];
}

const isCloudWatchShape = (value: Record<string, unknown>) => 'messageType' in value && 'logEvents' in value;

function quarantine(unit: Unit, id: string, code: string, message: string): Quarantined {
  return {
    id,
    unit: unit.unit,
    reason: code,
    severity: 'error',
    errors: [{ path: '', message, severity: 'error' }],
    raw: unit.data,
  };
}

function fromCloudWatch(unit: Unit, value: Record<string, unknown>, out: Decoded, limits: Limits): void {
  // the guard, not decode: the same check without a context array and a result object per field of every event
  if (!CloudWatchLogsPayload.is(value)) {
    out.quarantined.push(quarantine(unit, recordId(unit.coordinates), 'invalid-cloudwatch-payload', 'not a CloudWatch Logs payload'));
    return;
  }
  const payload = value;
  if (payload.messageType === 'CONTROL_MESSAGE') {
    out.dropped.push({ id: recordId(unit.coordinates), unit: unit.unit, reason: 'cloudwatch-control-message' });
    return;
  }
  if (payload.logEvents.length === 0) {
    out.dropped.push({ id: recordId(unit.coordinates), unit: unit.unit, reason: 'cloudwatch-no-events' });
    return;
  }
  if (payload.logEvents.length > limits.maxRecordsPerUnit) {
    throw new UndecodableError('too-many-records', `${payload.logEvents.length} log events, over limits.maxRecordsPerUnit (${limits.maxRecordsPerUnit})`);
  }
  // every event's record carries the payload's log group, stream and owner: they count in its size, and in the unit's
  const shared = Buffer.byteLength(payload.logGroup) + Buffer.byteLength(payload.logStream) + Buffer.byteLength(payload.owner);
  const expanded = payload.logEvents.reduce((sum, event) => sum + event.message.length * 3 + shared, 0);
  if (expanded > limits.maxInflatedBytes && payload.logEvents.reduce((sum, event) => sum + Buffer.byteLength(event.message) + shared, 0) > limits.maxInflatedBytes) {
    throw new UndecodableError('inflated-too-large', `its log events would take more than limits.maxInflatedBytes (${limits.maxInflatedBytes}) as records`);
  }
  for (const event of payload.logEvents) {
    const id = recordId(`cwl/${event.id}`);
    if (!isDateMillis(event.timestamp)) {
      out.quarantined.push(quarantine(unit, id, 'invalid-timestamp', `log event ${event.id}: timestamp ${event.timestamp} is not a time (epoch milliseconds within ±8.64e15)`));
      continue;
    }
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count bytes only when the record could be too large
    if (event.message.length * 3 + shared > limits.maxRecordBytes && Buffer.byteLength(event.message) + shared > limits.maxRecordBytes) {
      out.quarantined.push(quarantine(unit, id, 'record-too-large', `log event ${event.id} is over ${limits.maxRecordBytes} bytes with its log group, stream and owner`));
      continue;
    }
    out.records.push({
      id,
      unit: unit.unit,
      arrivedAt: unit.arrivedAt ?? event.timestamp,
      time: event.timestamp,
      data: {
        '@id': event.id,
        '@timestamp': isoTime(event.timestamp),
        '@message': event.message,
        '@logGroup': payload.logGroup,
        '@logStream': payload.logStream,
        '@owner': payload.owner,
      },
    });
  }
}

/**
 * Decodes one unit into records, or into one quarantined or dropped entry. Never throws: whatever cannot
 * be decoded, for a reason foreseen or not, is quarantined with its reason, and its neighbours go on.
 */
export function decodeUnit(unit: Unit, limits: Limits, out: Decoded): void {
  const mark = { records: out.records.length, quarantined: out.quarantined.length, dropped: out.dropped.length };
  try {
    decodeOne(unit, limits, out);
  } catch (error) {
    // a half-decoded unit leaves nothing behind: all of it is quarantined, once
    out.records.length = mark.records;
    out.quarantined.length = mark.quarantined;
    out.dropped.length = mark.dropped;
    const code = error instanceof UndecodableError ? error.code : 'undecodable';
    out.quarantined.push(quarantine(unit, recordId(unit.coordinates), code, `${(error as Error)?.message ?? String(error)}`));
  }
}

function shapeMessage(problem: 'too-deep' | 'non-finite-number' | 'inexact-integer', data: unknown, limits: Limits): string {
  if (problem === 'too-deep') return `record nests deeper than ${limits.maxDepth} levels`;
  if (problem === 'non-finite-number') return 'record holds a number too large for JSON (it would be written as null)';
  const digits = firstInexact(data)!.source;
  return `record holds the integer ${digits}, beyond 2^53: a JSON number cannot hold it exactly (it would be written as ${String(Number(digits))}); send it as a string`;
}

/** `exact`: the unit's text is parsed again with each number's source, as one of its records holds a number beyond 2^53. */
function decodeOne(unit: Unit, limits: Limits, out: Decoded, exact = false): void {
  const bytes = unit.encoding === 'base64' ? maybeInflate(fromBase64(unit.data), limits.maxInflatedBytes) : undefined;
  const text = bytes ? toText(bytes) : unit.data;
  const size = bytes ? bytes.length : Buffer.byteLength(text);
  const objects = parseText(text, exact);
  const only = objects.length === 1 ? objects[0] : undefined;
  if (only && isCloudWatchShape(only)) return fromCloudWatch(unit, only, out, limits);
  if (objects.length === 0) {
    out.dropped.push({ id: recordId(unit.coordinates), unit: unit.unit, reason: 'empty' });
    return;
  }
  if (objects.length > limits.maxRecordsPerUnit) {
    throw new UndecodableError('too-many-records', `${objects.length} records, over limits.maxRecordsPerUnit (${limits.maxRecordsPerUnit})`);
  }
  const mark = { records: out.records.length, quarantined: out.quarantined.length };
  // a loop, not forEach: no closure per unit; each record built with its fields set, not spread into it
  for (let index = 0; index < objects.length; index++) {
    const data = objects[index]!;
    const coordinates = objects.length === 1 ? unit.coordinates : `${unit.coordinates}#${index}`;
    const id = recordId(coordinates);
    // shape first: JSON.stringify of a deeply nested value overflows the stack, and writes a number JSON cannot hold as null
    const problem = shapeProblem(data, limits.maxDepth, exact);
    if (problem === 'large-number') {
      // an integer JSON.parse rounded, or a double beyond 2^53? The unit again, its numbers read from their source
      out.records.length = mark.records;
      out.quarantined.length = mark.quarantined;
      return decodeOne(unit, limits, out, true);
    }
    if (problem) {
      out.quarantined.push(quarantine(unit, id, problem, shapeMessage(problem, data, limits)));
      continue;
    }
    const bytes = objects.length === 1 ? size : Buffer.byteLength(JSON.stringify(data));
    if (bytes > limits.maxRecordBytes) {
      out.quarantined.push(quarantine(unit, id, 'record-too-large', `record is ${bytes} bytes, over ${limits.maxRecordBytes}`));
    } else {
      const record: Rec = { id, unit: unit.unit, data };
      if (unit.arrivedAt !== undefined) record.arrivedAt = unit.arrivedAt;
      out.records.push(record);
    }
  }
}
