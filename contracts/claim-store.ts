import type { ClaimCheck } from './batch.ts';

/** Where claim-checked payloads are kept: the work bucket on AWS; the local engine keeps its own in process. */
export interface ClaimStore {
  /**
   * Keeps `value` (the work bucket, as JSON) under `ref`, a name used for nothing else; answers the bytes
   * written, or undefined when the value was kept in process without being written out.
   */
  put(ref: ClaimCheck['ref'], value: unknown): Promise<number | undefined>;
  get(ref: ClaimCheck['ref']): Promise<string>;
  /**
   * The value put under `ref` when this store keeps values in process (the local engine), so that the next
   * task need not parse it back; undefined when it is not kept here.
   */
  kept?(ref: ClaimCheck['ref']): unknown;
}
