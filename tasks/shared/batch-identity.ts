import type { SourceInfo, WorkflowName } from '../../contracts/batch.ts';
import { decodeOrThrow, guardOrThrow } from '../../contracts/decode.ts';
import { FirehoseTransformRequest } from '../../contracts/firehose.ts';
import { PipesKinesisBatch } from '../../contracts/pipes-kinesis.ts';
import { S3ObjectCreatedEvent } from '../../contracts/s3-event.ts';
import { YEAR_10000 } from './iso-time.ts';
import { batchIdOf, digest } from './ids.ts';

/** What names a batch in the ledger: decode writes it, and the failure path must find the same row. */
export interface BatchIdentity {
  batchId: string;
  source: SourceInfo;
}

/** The name at the end of an ARN (a stream, a delivery stream), if it has one. */
export const nameOf = (arn: string | undefined): string | undefined => arn?.split('/').pop() || undefined;

const lastSegment = (arn: string | undefined, fallback: string) => nameOf(arn) ?? fallback;

/**
 * The oldest of a batch's arrival times (epoch ms) as `SourceInfo.arrivedAt`: of those from 1970 to 9999 (an S3 key
 * dated by it has a year of four digits), none when none is.
 */
function oldest(times: (number | undefined)[]): { arrivedAt?: number } {
  let least: number | undefined;
  for (const time of times) if (time !== undefined && time >= 0 && time < YEAR_10000 && (least === undefined || time < least)) least = time;
  return least === undefined ? {} : { arrivedAt: Math.round(least) };
}

/** An EventBridge Pipes batch of Kinesis records, decoded. The batch id is stable across Pipes retries. */
export function kinesisBatch(input: unknown): BatchIdentity & { records: PipesKinesisBatch; stream: string } {
  const records = guardOrThrow(PipesKinesisBatch, input, 'Pipes Kinesis batch');
  const first = records[0];
  const shard = first?.eventID.split(':')[0] ?? 'none';
  const stream = lastSegment(first?.eventSourceARN, 'stream');
  return {
    batchId: batchIdOf('kinesis', stream, shard, digest(records.map((r) => r.eventID).join(','))),
    source: {
      stream,
      shard,
      ...(first ? { firstSequence: first.sequenceNumber, lastSequence: records[records.length - 1]!.sequenceNumber } : {}),
      ...oldest(records.map((r) => (r.approximateArrivalTimestamp === undefined ? undefined : r.approximateArrivalTimestamp * 1000))),
    },
    records,
    stream,
  };
}

/** A Firehose transformation request, decoded. */
export function firehoseBatch(input: unknown): BatchIdentity & { request: FirehoseTransformRequest; stream: string } {
  const request = decodeOrThrow(FirehoseTransformRequest, input, 'Firehose transformation request');
  const stream = lastSegment(request.deliveryStreamArn, 'delivery-stream');
  return {
    // by its records, not the invocation: a retried invocation of the same records is the same batch
    batchId: batchIdOf('firehose', stream, digest(request.records.map((r) => r.recordId).join(','))),
    source: { invocationId: request.invocationId, ...(request.deliveryStreamArn ? { deliveryStreamArn: request.deliveryStreamArn } : {}), ...oldest(request.records.map((r) => r.approximateArrivalTimestamp)) },
    request,
    stream,
  };
}

/** S3 notifications URL-encode keys, with `+` for spaces. */
export const objectKey = (encoded: string): string => decodeURIComponent(encoded.replace(/\+/g, ' '));

/** The object an Object Created event names, and the batch id of its execution. */
export function s3Object(input: unknown): { batchId: string; bucket: string; key: string; versionId?: string; arrivedAt?: number } {
  const event = decodeOrThrow(S3ObjectCreatedEvent, input, 'S3 Object Created event');
  const bucket = event.detail.bucket.name;
  const key = objectKey(event.detail.object.key);
  const versionId = event.detail.object['version-id'];
  return { batchId: batchIdOf('s3', bucket, digest(`${key}@${versionId ?? 'null'}`)), bucket, key, ...(versionId ? { versionId } : {}), ...oldest([event.time === undefined ? undefined : Date.parse(event.time)]) };
}

/** The batch id and source decode gives a trigger input of each workflow; throws when it cannot be read. */
export function batchIdentity(workflow: WorkflowName, input: unknown): BatchIdentity {
  if (workflow === 'kinesis') {
    const { batchId, source } = kinesisBatch(input);
    return { batchId, source };
  }
  if (workflow === 'firehose') {
    const { batchId, source } = firehoseBatch(input);
    return { batchId, source };
  }
  const { batchId, ...source } = s3Object(input);
  return { batchId, source };
}
