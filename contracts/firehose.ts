import * as t from 'io-ts';

export const FirehoseRecord = t.intersection([
  t.type({ recordId: t.string, data: t.string }),
  t.partial({
    approximateArrivalTimestamp: t.number,
    kinesisRecordMetadata: t.partial({
      shardId: t.string,
      partitionKey: t.string,
      approximateArrivalTimestamp: t.number,
      sequenceNumber: t.string,
      subsequenceNumber: t.number,
    }),
  }),
]);
export type FirehoseRecord = t.TypeOf<typeof FirehoseRecord>;

/** The request Firehose sends a data-transformation Lambda. */
export const FirehoseTransformRequest = t.intersection([
  t.type({ invocationId: t.string, records: t.array(FirehoseRecord) }),
  t.partial({ deliveryStreamArn: t.string, sourceKinesisStreamArn: t.string, region: t.string }),
]);
export type FirehoseTransformRequest = t.TypeOf<typeof FirehoseTransformRequest>;

export const FirehoseResult = t.keyof({ Ok: null, Dropped: null, ProcessingFailed: null });
export type FirehoseResult = t.TypeOf<typeof FirehoseResult>;

/** Firehose takes at most 6,000,000 bytes back from a transformation (contract section 6). */
export const MAX_RESPONSE_BYTES = 6_000_000;

/** Exactly one output per input recordId. */
export const FirehoseTransformResponse = t.type({
  records: t.array(
    t.intersection([
      t.type({ recordId: t.string, result: FirehoseResult, data: t.string }),
      t.partial({ metadata: t.type({ partitionKeys: t.record(t.string, t.string) }) }),
    ]),
  ),
});
export type FirehoseTransformResponse = t.TypeOf<typeof FirehoseTransformResponse>;
