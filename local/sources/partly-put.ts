/** A record of a put that is not on the stream: its index in what was put, and why. */
export interface NotPut {
  index: number;
  error: string;
}

/**
 * A put of which only part reached the stream: a PutRecords call failed after earlier ones were put, or
 * the stream refused records of a call one by one (FailedRecordCount). What was put stays on the stream,
 * so a producer sends only the others again: `ids` are the records put, in the order given, `failed` the
 * others by index.
 */
export class PartlyPut extends Error {
  override readonly name = 'PartlyPut';
  constructor(
    readonly ids: string[],
    readonly failed: NotPut[],
  ) {
    super(`${failed.length} of ${ids.length + failed.length} records not put on the stream (${[...new Set(failed.map((record) => record.error))].join('; ')})`);
  }
}
