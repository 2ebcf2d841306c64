import type { SourceInfo } from '../../contracts/batch.ts';
import { firehoseBatch, kinesisBatch, objectVersion } from '../shared/batch-identity.ts';
import { isDateMillis } from '../shared/date-millis.ts';
import { toText } from './bytes.ts';
import { forEachLine, isBlank } from './lines.ts';
import type { Unit } from './unit.ts';

export interface Units {
  batchId: string;
  source: SourceInfo;
  units: Unit[];
  /** A Kinesis batch's sequence numbers, in order. */
  sequences?: string[];
}

/** An arrival time (epoch ms) that is a time: a source's metadata must not fail its batch (Infinity serialises as null). */
const arrival = (ms: number | undefined) => (ms !== undefined && isDateMillis(ms) ? { arrivedAt: Math.round(ms) } : {});

/** An EventBridge Pipes batch of Kinesis records. */
export function kinesisUnits(input: unknown): Units {
  const { batchId, source, records, stream } = kinesisBatch(input);
  return {
    batchId,
    source,
    sequences: records.map((record) => record.sequenceNumber),
    units: records.map((record) => ({
      unit: record.eventID,
      coordinates: `kinesis/${stream}/${record.eventID.split(':')[0]}/${record.sequenceNumber}`,
      data: record.data,
      encoding: 'base64',
      ...arrival(record.approximateArrivalTimestamp === undefined ? undefined : record.approximateArrivalTimestamp * 1000),
    })),
  };
}

/** A Firehose transformation request. */
export function firehoseUnits(input: unknown): Units {
  const { batchId, source, request, stream } = firehoseBatch(input);
  return {
    batchId,
    source,
    units: request.records.map((record) => ({
      unit: record.recordId,
      // escaped: a record's elements add `#<index>`, and a recordId holding `#` or `/` must not name another's
      coordinates: `firehose/${stream}/${encodeURIComponent(record.recordId)}`,
      data: record.data,
      encoding: 'base64',
      ...arrival(record.approximateArrivalTimestamp),
    })),
  };
}

/** The non-blank lines of an S3 chunk, numbered as lines of the whole object (from 1). */
export function lineUnits(bytes: Uint8Array, firstLine: number, source: SourceInfo): Unit[] {
  const units: Unit[] = [];
  forEachLine(bytes, (start, end, index) => {
    if (isBlank(bytes, start, end)) return;
    const number = firstLine + index;
    const line = bytes.subarray(start, bytes[end - 1] === 0x0d ? end - 1 : end);
    let text: string | undefined;
    try {
      text = toText(line);
    } catch {
      // invalid UTF-8 goes on as base64, so decode quarantines it with the bytes intact
    }
    units.push({
      unit: `${source.key}:${number}`,
      coordinates: `s3/${source.bucket}/${source.key}/${objectVersion(source)}/${number}`,
      ...(text === undefined ? { data: Buffer.from(line).toString('base64'), encoding: 'base64' } : { data: text, encoding: 'text' }),
    });
  });
  return units;
}
