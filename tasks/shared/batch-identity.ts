import type { SourceInfo, WorkflowName } from '../../contracts/batch.ts';
import { ContractError, decodeOrThrow, guardOrThrow } from '../../contracts/decode.ts';
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

/**
 * S3 notifications URL-encode keys, with `+` for spaces. A key that is empty, or not such an encoding, names no
 * object: the event is refused for good (an empty key read the bucket's listing as an object's lines).
 */
export function objectKey(encoded: string): string {
  let key: string;
  try {
    key = decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw new ContractError('S3 Object Created event', [`detail.object.key: ${JSON.stringify(encoded)} is not URL-encoded`]);
  }
  if (key === '') throw new ContractError('S3 Object Created event', ['detail.object.key: empty']);
  return key;
}

/** An ETag as S3 compares them: without the quotes a header or a listing puts around it. */
export const bareEtag = (etag: string): string => etag.replace(/^"(.*)"$/, '$1');

/**
 * The object an Object Created event names, and the batch id of its execution. In a bucket without versions, an
 * object written again under its key is another object: the event's ETag tells the writes apart (the same bytes
 * written again are the same batch), in the batch id and in its records' ids (`version`).
 */
export function s3Object(input: unknown): { batchId: string; bucket: string; key: string; versionId?: string; etag?: string; arrivedAt?: number } {
  const event = decodeOrThrow(S3ObjectCreatedEvent, input, 'S3 Object Created event');
  const bucket = event.detail.bucket.name;
  const key = objectKey(event.detail.object.key);
  const versionId = event.detail.object['version-id'];
  const etag = !versionId && event.detail.object.etag ? bareEtag(event.detail.object.etag) : undefined;
  return {
    batchId: batchIdOf('s3', bucket, digest(`${key}@${objectVersion({ versionId, etag })}`)),
    bucket,
    key,
    ...(versionId ? { versionId } : {}),
    ...(etag ? { etag } : {}),
    ...oldest([event.time === undefined ? undefined : Date.parse(event.time)]),
  };
}

/**
 * An Object Created event as the write of its object whose ETag was read: itself when it names that write, a
 * version (read as named) or no ETag; else the event with the read ETag (`detail.object.etag`): its own write
 * was replaced, and the bytes are the later write's, a batch of their own.
 */
export function asWrite(event: unknown, read: string | undefined): unknown {
  const { etag } = s3Object(event);
  if (!etag || !read || read === etag) return event;
  const { detail } = event as { detail: { object: object } };
  return { ...(event as object), detail: { ...detail, object: { ...detail.object, etag: read } } };
}

/** Which write of an object a source is: its version, its ETag in a bucket without versions, else `null`. */
export const objectVersion = (source: { versionId?: string | undefined; etag?: string | undefined }): string => source.versionId ?? (source.etag ? `etag-${source.etag}` : 'null');

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
