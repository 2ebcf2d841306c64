import type { Rec, RecordError, Staged } from '../../../contracts/batch.ts';
import type { SinkConfig } from '../../../contracts/config.ts';

/** What one sink did with the records it was given. Every record given is in `failed` or not. */
export interface SinkOutcome {
  /** Records the sink did not accept, by id, with why and whether trying again may help. */
  failed: Map<string, RecordError>;
  /** Where the accepted records landed (object keys, index names). */
  outputs: string[];
  /** Objects written to the work bucket, made visible by the account step's commit. */
  staged?: Staged[];
}

/** What a sink knows of the delivery it takes part in. */
export interface DeliveryScope {
  /** Names what the sink stages: the same batch stages the same objects, whatever its attempt. */
  batchId: string;
  /** Epoch ms after which the sink makes no new request: what is left fails, retryably. */
  deadline: number;
  /** The clock the deadline is on. */
  now: () => number;
}

export interface Sink {
  name: string;
  deliver(records: Rec[], scope: DeliveryScope): Promise<SinkOutcome>;
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

/** What a record gets when its sink's turn comes after the deliver step's deadline. */
export const DEADLINE_REACHED: RecordError = {
  code: 'Sluice.DeliverDeadline',
  message: "the deliver step's time ran out before this request: tried again by the redelivery loop",
  retryable: true,
};
