import type { Rec, RecordError } from '../../../contracts/batch.ts';
import type { SinkConfig } from '../../../contracts/config.ts';

/** What one sink did with the records it was given. Every record given is in `failed` or not. */
export interface SinkOutcome {
  /** Records the sink did not accept, by id, with why and whether trying again may help. */
  failed: Map<string, RecordError>;
  /** Where the accepted records landed (object keys, index names). */
  outputs: string[];
}

export interface Sink {
  name: string;
  deliver(records: Rec[]): Promise<SinkOutcome>;
}

/** A configured sink that cannot run here, and why (e.g. OpenSearch without an endpoint). */
export interface DisabledSink {
  name: string;
  disabled: string;
}

export const sinkName = (config: SinkConfig): string => config.name ?? config.type;

/** Marks every record as failed with the same error (a whole request failed). */
export function failAll(records: Rec[], error: RecordError, into = new Map<string, RecordError>()): Map<string, RecordError> {
  for (const record of records) into.set(record.id, error);
  return into;
}
