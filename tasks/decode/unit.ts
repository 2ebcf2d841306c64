import type { Dropped, Quarantined, Rec } from '../../contracts/batch.ts';
import { CloudWatchLogsPayload } from '../../contracts/cloudwatch-logs.ts';
import type { Limits } from '../../contracts/config.ts';
import { recordId } from '../shared/ids.ts';
import { fromBase64, maybeGunzip, toText, UndecodableError } from './bytes.ts';
import { parseText, tooDeep } from './parse.ts';

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
  const decoded = CloudWatchLogsPayload.decode(value);
  if (decoded._tag === 'Left') {
    out.quarantined.push(quarantine(unit, recordId(unit.coordinates), 'invalid-cloudwatch-payload', 'not a CloudWatch Logs payload'));
    return;
  }
  const payload = decoded.right;
  if (payload.messageType === 'CONTROL_MESSAGE') {
    out.dropped.push({ id: recordId(unit.coordinates), unit: unit.unit, reason: 'cloudwatch-control-message' });
    return;
  }
  for (const event of payload.logEvents) {
    const id = recordId(`cwl/${event.id}`);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: count bytes only when the message could be too large
    if (event.message.length * 3 > limits.maxRecordBytes && Buffer.byteLength(event.message) > limits.maxRecordBytes) {
      out.quarantined.push(quarantine(unit, id, 'record-too-large', `log event ${event.id} is over ${limits.maxRecordBytes} bytes`));
      continue;
    }
    out.records.push({
      id,
      unit: unit.unit,
      arrivedAt: unit.arrivedAt ?? event.timestamp,
      time: event.timestamp,
      data: {
        '@id': event.id,
        '@timestamp': new Date(event.timestamp).toISOString(),
        '@message': event.message,
        '@logGroup': payload.logGroup,
        '@logStream': payload.logStream,
        '@owner': payload.owner,
      },
    });
  }
}

/**
 * Decodes one unit into records, or into one quarantined or dropped entry. Never throws for bad data:
 * whatever cannot be decoded is quarantined with its reason.
 */
export function decodeUnit(unit: Unit, limits: Limits, out: Decoded): void {
  let objects: Record<string, unknown>[];
  let size: number;
  try {
    const bytes = unit.encoding === 'base64' ? maybeGunzip(fromBase64(unit.data)) : undefined;
    const text = bytes ? toText(bytes) : unit.data;
    size = bytes ? bytes.length : Buffer.byteLength(text);
    objects = parseText(text);
  } catch (error) {
    if (!(error instanceof UndecodableError)) throw error;
    out.quarantined.push(quarantine(unit, recordId(unit.coordinates), error.code, error.message));
    return;
  }
  const only = objects.length === 1 ? objects[0] : undefined;
  if (only && isCloudWatchShape(only)) return fromCloudWatch(unit, only, out, limits);
  if (objects.length === 0) {
    out.dropped.push({ id: recordId(unit.coordinates), unit: unit.unit, reason: 'empty' });
    return;
  }
  objects.forEach((data, index) => {
    const coordinates = objects.length === 1 ? unit.coordinates : `${unit.coordinates}#${index}`;
    const id = recordId(coordinates);
    // depth first: JSON.stringify of a deeply nested value overflows the stack
    if (tooDeep(data, limits.maxDepth)) {
      out.quarantined.push(quarantine(unit, id, 'too-deep', `record nests deeper than ${limits.maxDepth} levels`));
      return;
    }
    const bytes = objects.length === 1 ? size : Buffer.byteLength(JSON.stringify(data));
    if (bytes > limits.maxRecordBytes) {
      out.quarantined.push(quarantine(unit, id, 'record-too-large', `record is ${bytes} bytes, over ${limits.maxRecordBytes}`));
    } else {
      out.records.push({ id, unit: unit.unit, data, ...(unit.arrivedAt === undefined ? {} : { arrivedAt: unit.arrivedAt }) });
    }
  });
}
