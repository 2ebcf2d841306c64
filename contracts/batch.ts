import * as t from 'io-ts';

/**
 * A payload that lives in the work bucket; the state carries only this pointer. `bytes`: its size as written
 * there; absent where the local engine kept it in process without writing it out (the inspector measures it).
 */
export const ClaimCheck = t.intersection([
  t.type({
    ref: t.type({ bucket: t.string, key: t.string }),
    count: t.number,
  }),
  t.partial({ bytes: t.number }),
]);
export type ClaimCheck = t.TypeOf<typeof ClaimCheck>;

export const WorkflowName = t.keyof({ kinesis: null, s3: null, firehose: null });
export type WorkflowName = t.TypeOf<typeof WorkflowName>;

/**
 * The state machines sluice deploys: one per pipeline, and for an s3 pipeline a second one, `s3-chunk`,
 * that the object's execution starts once per chunk (each chunk an Express execution of its own).
 */
export type MachineName = WorkflowName | 's3-chunk';

export const Severity = t.keyof({ warning: null, error: null, critical: null });
export type Severity = t.TypeOf<typeof Severity>;

export const Partition = t.type({
  event_type: t.string,
  year: t.string,
  month: t.string,
  day: t.string,
  hour: t.string,
});
export type Partition = t.TypeOf<typeof Partition>;

export const RecordError = t.type({ code: t.string, message: t.string, retryable: t.boolean });
export type RecordError = t.TypeOf<typeof RecordError>;

export const ValidationIssue = t.type({ path: t.string, message: t.string, severity: Severity });
export type ValidationIssue = t.TypeOf<typeof ValidationIssue>;

/**
 * A record in flight. `unit` names the source unit it came from (Kinesis eventID, Firehose recordId,
 * S3 line); `id` is derived from its source coordinates and is the key every sink writes by.
 */
export const Rec = t.intersection([
  t.type({ id: t.string, unit: t.string, data: t.UnknownRecord }),
  t.partial({
    arrivedAt: t.number,
    /** When the event happened (epoch ms), where decode already knows it (CloudWatch Logs). */
    time: t.number,
    partition: Partition,
    /** Sinks that still have to accept this record (set once delivery has started). */
    pending: t.array(t.string),
    attempts: t.number,
    error: RecordError,
    /** Validation issues of severity `warning`: the record passes and carries them. */
    warnings: t.array(ValidationIssue),
  }),
]);
export type Rec = t.TypeOf<typeof Rec>;

export const Quarantined = t.intersection([
  t.type({
    id: t.string,
    unit: t.string,
    reason: t.string,
    severity: Severity,
    errors: t.array(ValidationIssue),
    /** The record as it arrived (base64 for undecodable bytes, JSON text otherwise). */
    raw: t.string,
  }),
  t.partial({ key: t.string }),
]);
export type Quarantined = t.TypeOf<typeof Quarantined>;

export const Dropped = t.type({ id: t.string, unit: t.string, reason: t.string });
export type Dropped = t.TypeOf<typeof Dropped>;

export const Delivered = t.intersection([
  t.type({ id: t.string, unit: t.string }),
  t.partial({ data: t.UnknownRecord, partition: Partition }),
]);
export type Delivered = t.TypeOf<typeof Delivered>;

export const BackedUp = t.type({ id: t.string, unit: t.string, key: t.string, code: t.string });
export type BackedUp = t.TypeOf<typeof BackedUp>;

/**
 * An object a sink wrote to the work bucket (`from`) that becomes visible at `bucket`/`key` only when the
 * account step commits the batch: an execution that fails leaves nothing in the lake for a re-batched
 * retry to write a second time.
 */
export const Staged = t.type({ bucket: t.string, key: t.string, from: t.string });
export type Staged = t.TypeOf<typeof Staged>;

/** Where every record of a batch stands. Each record is in exactly one list. */
export const Body = t.intersection([
  t.type({
    records: t.array(Rec),
    failed: t.array(Rec),
    quarantined: t.array(Quarantined),
    dropped: t.array(Dropped),
    delivered: t.array(Delivered),
    backedUp: t.array(BackedUp),
    outputs: t.record(t.string, t.array(t.string)),
  }),
  t.partial({ staged: t.array(Staged) }),
]);
export type Body = t.TypeOf<typeof Body>;

export const Counts = t.type({
  in: t.number,
  delivered: t.number,
  quarantined: t.number,
  dropped: t.number,
  backedUp: t.number,
  failed: t.number,
  pending: t.number,
});
export type Counts = t.TypeOf<typeof Counts>;

export const SourceInfo = t.partial({
  shard: t.string,
  stream: t.string,
  bucket: t.string,
  key: t.string,
  versionId: t.string,
  /** An S3 object's ETag, where its bucket keeps no versions: which write of its key the batch is. */
  etag: t.string,
  invocationId: t.string,
  /** A Kinesis batch's first and last sequence numbers: the stretch of its shard it covers. */
  firstSequence: t.string,
  lastSequence: t.string,
  deliveryStreamArn: t.string,
  /** A chunk of an S3 object: where its lines start in the object, its index, and the object's run it belongs to. */
  firstLine: t.number,
  chunk: t.number,
  run: t.string,
  /** The chunk's non-blank lines: its source units, each of which must end with an outcome. */
  lines: t.number,
  /**
   * When the batch's oldest record arrived (epoch ms): the least of its Kinesis or Firehose records'
   * approximate arrival timestamps, an S3 object's event time. Its error objects are dated by it, as Firehose
   * dates its error prefixes, so that a run of the batch on another day writes the same keys.
   */
  arrivedAt: t.number,
});
export type SourceInfo = t.TypeOf<typeof SourceInfo>;

/**
 * The redelivery loop's state, set by deliver. `again` says whether refused records are worth another
 * pass before `until` (epoch ms: the retry duration from the first pass, cut to the execution's budget);
 * `elapsedSeconds` (since the execution started) is what the loop's Choice guards against the Express
 * limit, and `delaySeconds` the wait before the next pass.
 */
export const Retry = t.type({ attempt: t.number, again: t.boolean, delaySeconds: t.number, elapsedSeconds: t.number, until: t.number });
export type Retry = t.TypeOf<typeof Retry>;

/** The state every task of the record chain takes and returns. */
export const Batch = t.intersection([
  t.type({
    pipeline: t.string,
    workflow: WorkflowName,
    batchId: t.string,
    source: SourceInfo,
    body: t.union([ClaimCheck, Body]),
    counts: Counts,
    retry: Retry,
  }),
  t.partial({
    /**
     * The execution input the batch was decoded from (a Pipes batch, a Firehose request, an S3 event), inline
     * when small, else by claim check: what account checks every unit against and shapes its reply from. A
     * chunk's has none: account counts a chunk by its lines, into its object's row (addChunk).
     */
    input: t.unknown,
  }),
]);
export type Batch = t.TypeOf<typeof Batch>;

/** A slice of a large S3 object, stored in the work bucket as JSONL. */
export const ChunkRef = t.intersection([ClaimCheck, t.type({ firstLine: t.number })]);
export type ChunkRef = t.TypeOf<typeof ChunkRef>;

export const Outputs = t.record(t.string, t.array(t.string));
export type Outputs = t.TypeOf<typeof Outputs>;

/**
 * STARTED from the first step on; the account step (or the failure path) writes how it ended.
 * SUPERSEDED: a batch whose records other batches delivered since (a Pipes bisection, a re-read after a
 * kill): a redrive found nothing of it left to do.
 */
export const AccountStatus = t.keyof({ STARTED: null, SUCCEEDED: null, BACKED_UP: null, FAILED: null, SUPERSEDED: null });
export type AccountStatus = t.TypeOf<typeof AccountStatus>;

/** What the account step reports for a batch (and what a chunk reports to its object). */
export const AccountResult = t.type({
  pipeline: t.string,
  workflow: WorkflowName,
  batchId: t.string,
  status: AccountStatus,
  counts: Counts,
  partitions: t.number,
  outputs: Outputs,
  response: t.unknown,
});
export type AccountResult = t.TypeOf<typeof AccountResult>;
