import type { Reingest } from '../tasks/shared/reingest.ts';

/**
 * A stand-in for Firehose's PutRecordBatch on the embedded stack, which has no delivery stream of its
 * own yet: records put back on a stream are kept here, per stream, in the order they came, for the
 * caller (a test, the demo) to read or to send through the pipeline again.
 */
export class LocalDeliveryStreams {
  private readonly streams = new Map<string, Buffer[]>();

  readonly put: Reingest = async (stream, records) => {
    const kept = this.streams.get(stream) ?? [];
    kept.push(...records.map((record) => Buffer.from(record)));
    this.streams.set(stream, kept);
  };

  /** The records put on a stream so far, taken off it. */
  take(stream: string): Buffer[] {
    const kept = this.streams.get(stream) ?? [];
    this.streams.delete(stream);
    return kept;
  }
}
