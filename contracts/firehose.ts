import { createHash } from 'node:crypto';
import * as t from 'io-ts';

/**
 * An arrival time as epoch milliseconds. AWS sends a number; old console templates and some emulators
 * send a numeric string or an ISO date. sluice reads it only to stamp records, so what cannot be read as
 * a time is left out (undefined) instead of failing a whole batch.
 */
const ArrivalMillis = new t.Type<number | undefined, number | undefined, unknown>(
  'ArrivalMillis',
  (u): u is number | undefined => u === undefined || typeof u === 'number',
  (u, context) => {
    if (u === undefined || u === null) return t.success(undefined);
    if (typeof u === 'number') return t.success(Number.isFinite(u) ? u : undefined);
    if (typeof u !== 'string') return t.failure(u, context, 'expected a time (epoch ms or ISO string)');
    const n = u.trim() === '' ? NaN : Number(u);
    const ms = Number.isFinite(n) ? n : Date.parse(u);
    return t.success(Number.isFinite(ms) ? ms : undefined);
  },
  (a) => a,
);

export const FirehoseRecord = t.intersection([
  t.type({ recordId: t.string, data: t.string }),
  t.partial({
    approximateArrivalTimestamp: ArrivalMillis,
    /** Present when the delivery stream reads a Kinesis stream; sluice does not read it, so any shape passes as it came. */
    kinesisRecordMetadata: t.UnknownRecord,
  }),
]);
export type FirehoseRecord = t.TypeOf<typeof FirehoseRecord>;

const RequestShape = t.intersection([
  t.type({ records: t.array(FirehoseRecord) }),
  t.partial({ invocationId: t.string, deliveryStreamArn: t.string, sourceKinesisStreamArn: t.string, region: t.string }),
]);

type Request = Omit<t.TypeOf<typeof RequestShape>, 'invocationId'> & { invocationId: string };

/** An invocation id for a request that came without one: the same records give the same id, so a retry names the same batch. */
const generatedInvocationId = (recordIds: string[]) => `generated-${createHash('sha256').update(recordIds.join('\n')).digest('hex').slice(0, 32)}`;

/**
 * The request Firehose sends a data-transformation Lambda. The fields sluice uses (records' recordId
 * and data) are checked strictly; unknown fields are kept; a request without `invocationId` (sent by
 * at least one local Firehose emulator) gets one derived from its recordIds.
 */
export const FirehoseTransformRequest = new t.Type<Request, Request, unknown>(
  'FirehoseTransformRequest',
  (u): u is Request => RequestShape.is(u) && typeof (u as { invocationId?: unknown }).invocationId === 'string',
  (u, context) => {
    const shape = RequestShape.validate(u, context);
    if (shape._tag === 'Left') return shape;
    const request = shape.right;
    return t.success({ ...request, invocationId: request.invocationId ?? generatedInvocationId(request.records.map((record) => record.recordId)) });
  },
  (a) => a,
);
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
