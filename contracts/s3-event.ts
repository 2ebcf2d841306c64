import * as t from 'io-ts';

/** S3 "Object Created" event as EventBridge delivers it. Keys arrive URL-encoded. */
export const S3ObjectCreatedEvent = t.intersection([
  t.type({
    'detail-type': t.literal('Object Created'),
    source: t.literal('aws.s3'),
    detail: t.type({
      bucket: t.type({ name: t.string }),
      object: t.intersection([
        t.type({ key: t.string }),
        t.partial({ size: t.number, etag: t.string, 'version-id': t.string, sequencer: t.string }),
      ]),
    }),
  }),
  /** When the object was created (ISO 8601), as every EventBridge event says. */
  t.partial({ time: t.string }),
]);
export type S3ObjectCreatedEvent = t.TypeOf<typeof S3ObjectCreatedEvent>;

/** A key as S3 notifications carry it: URL-encoded, `/` kept, a space as `+`. */
export const encodeKey = (key: string): string => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
