import * as t from 'io-ts';

/** One Kinesis record as EventBridge Pipes hands it to a Step Functions target (flat, not under `.kinesis`). */
export const PipesKinesisRecord = t.intersection([
  t.type({
    partitionKey: t.string,
    sequenceNumber: t.string,
    data: t.string,
    eventID: t.string,
  }),
  t.partial({
    kinesisSchemaVersion: t.string,
    approximateArrivalTimestamp: t.number,
    eventSource: t.string,
    eventVersion: t.string,
    eventName: t.string,
    invokeIdentityArn: t.string,
    awsRegion: t.string,
    eventSourceARN: t.string,
  }),
]);
export type PipesKinesisRecord = t.TypeOf<typeof PipesKinesisRecord>;

export const PipesKinesisBatch = t.array(PipesKinesisRecord);
export type PipesKinesisBatch = t.TypeOf<typeof PipesKinesisBatch>;

/** Partial batch failure reply; the identifier is the record's `eventID`. */
export const BatchItemFailures = t.type({
  batchItemFailures: t.array(t.type({ itemIdentifier: t.string })),
});
export type BatchItemFailures = t.TypeOf<typeof BatchItemFailures>;
