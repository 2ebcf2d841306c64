/** A record as a delivery stream holds it until it is processed: what a transformation request carries. */
export interface BufferedRecord {
  recordId: string;
  approximateArrivalTimestamp: number;
  /** base64 */
  data: string;
}

/** A record Firehose could not process or deliver, as it writes such records to S3 (contract section 6). */
export interface FailedRecord {
  attemptsMade: number;
  arrivalTimestamp: number;
  errorCode: string;
  errorMessage: string;
  attemptEndingTimestamp: number;
  rawData: string;
  lambdaArn?: string;
}

/**
 * The records of one transformation request and how far they got. Firehose retries a failed delivery
 * or backup of a batch, never its transformation, so a batch, once cut, stays the next request until
 * its records are dropped: a retry (or a restart) does only the steps it has not done, for the same
 * records, under the same id.
 */
export interface FirehoseBatch {
  /** The HTTP endpoint delivery's requestId (the same across its retries) and the name of the objects written for the batch. */
  id: string;
  records: BufferedRecord[];
  /** What the transformation answered; `at`, when: the destination's retry duration and the objects' hour run from there. */
  transformed?: { at: number; ok: BufferedRecord[]; failed: FailedRecord[] };
  /** Once the destination took the Ok records or gave up on them: those it gave up on. */
  undelivered?: FailedRecord[];
  /** The error output types whose backup object is written. */
  backedUp: string[];
}
