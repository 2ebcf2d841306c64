import { encodeKey, type S3ObjectCreatedEvent } from '../contracts/s3-event.ts';

/** What s3rver emits: an S3 notification record. */
export interface S3rverNotification {
  Records: {
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string } };
  }[];
}

/** The EventBridge "Object Created" event AWS would deliver for an s3rver notification record. */
export function toObjectCreated(record: S3rverNotification['Records'][number]): S3ObjectCreatedEvent {
  const { bucket, object } = record.s3;
  return {
    'detail-type': 'Object Created',
    source: 'aws.s3',
    detail: {
      bucket: { name: bucket.name },
      object: {
        key: encodeKey(object.key),
        ...(object.size === undefined ? {} : { size: object.size }),
        ...(object.eTag ? { etag: object.eTag } : {}),
        ...(object.sequencer ? { sequencer: object.sequencer } : {}),
      },
    },
  };
}

/** The event EventBridge would send for an object put at `key` (as a user or a producer would put it); with its ETag, for one write of it. */
export const objectCreatedFor = (bucket: string, key: string, size?: number, etag?: string) =>
  objectCreatedEnvelope({
    'detail-type': 'Object Created',
    source: 'aws.s3',
    detail: { bucket: { name: bucket }, object: { key: encodeKey(key), ...(size === undefined ? {} : { size }), ...(etag ? { etag } : {}) } },
  });

/** The full event as EventBridge sends it (envelope fields the workflow does not read, but a user sees). */
export function objectCreatedEnvelope(event: S3ObjectCreatedEvent, time = new Date()) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    account: '000000000000',
    time: time.toISOString(),
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${event.detail.bucket.name}`],
    ...event,
    detail: { version: '0', ...event.detail, reason: 'PutObject' },
  };
}
