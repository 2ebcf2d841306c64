import type { ClaimCheck } from './batch.ts';

/** Where claim-checked payloads are kept: the work bucket on AWS; the local engine keeps its own in process. */
export interface ClaimStore {
  /** Keeps `text`, which is `value` serialised (the caller sized it against the claim-check threshold). */
  put(ref: ClaimCheck['ref'], text: string, value: unknown): Promise<void>;
  get(ref: ClaimCheck['ref']): Promise<string>;
  /**
   * The value put under `ref` when this store keeps values in process (the local engine), so that the next
   * task need not parse it back; undefined when it is not kept here.
   */
  kept?(ref: ClaimCheck['ref']): unknown;
}
