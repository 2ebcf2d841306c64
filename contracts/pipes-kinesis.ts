import type { _Record } from '@aws-sdk/client-kinesis';
import * as t from 'io-ts';
import { PIPES_TARGET_PAYLOAD_CHARS } from './pipe-settings.ts';

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

const STREAM_ARN = (stream: string) => `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`;

/** A Kinesis record as EventBridge Pipes hands it to a Step Functions target: flat, base64 data, eventID = shard:sequence. */
export function toPipesRecord(record: _Record, shardId: string, stream: string): PipesKinesisRecord {
  return {
    kinesisSchemaVersion: '1.0',
    partitionKey: record.PartitionKey!,
    sequenceNumber: record.SequenceNumber!,
    data: Buffer.from(record.Data!).toString('base64'),
    approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/sluice-pipe',
    awsRegion: 'us-east-1',
    eventSourceARN: STREAM_ARN(stream),
  };
}

/** The widest arrival time a Pipes envelope writes (seconds with three decimals: 9999999999.999), whatever the clock says. */
const WIDEST_ARRIVAL = new Date(9_999_999_999_999);

/**
 * Characters of one record's Pipes envelope around its base64 data (and the comma between records): a
 * partition key of 36 characters (a UUID; the ingest API's are shorter), the widest shard id, sequence number
 * and arrival time (measured at a whole second, it was 4 characters short: a record that then arrived at .123 was
 * over the limit, in a reviewer's run).
 */
export const pipesEnvelopeChars = (stream: string): number =>
  JSON.stringify(toPipesRecord({ Data: new Uint8Array(), PartitionKey: 'k'.repeat(36), SequenceNumber: '9'.repeat(56), ApproximateArrivalTimestamp: WIDEST_ARRIVAL }, 'shardId-000000000099', stream)).length + 1;

/**
 * The largest record a producer may put on `stream` and still have it reach the workflow: alone in its batch,
 * base64'd in its Pipes envelope, within the target's payload limit. `slack` characters are kept free for
 * envelope fields longer on AWS than the estimate's (the Pipe role's ARN, the region, the account).
 */
export const maxPipesRecordBytes = (stream: string, slack = 0): number => Math.floor((PIPES_TARGET_PAYLOAD_CHARS - 2 - (pipesEnvelopeChars(stream) + slack - 1)) / 4) * 3;

/** Characters of a record of `recordBytes` in a Pipes batch: its envelope and its data in base64. */
export const pipesRecordChars = (stream: string, recordBytes: number): number => pipesEnvelopeChars(stream) + 4 * Math.ceil(recordBytes / 3);

/** How many records of `recordBytes` a Pipe hands the workflow at once: `batchSize`, or fewer when their envelopes fill the target's 262,144 characters. */
export function pipesBatchRecords(stream: string, batchSize: number, recordBytes: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor((PIPES_TARGET_PAYLOAD_CHARS - 2) / pipesRecordChars(stream, recordBytes))));
}
