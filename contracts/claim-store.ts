import type { ClaimCheck } from './batch.ts';

/** Where claim-checked payloads are kept: the work bucket on AWS; the local engine keeps its own in process. */
export interface ClaimStore {
  put(ref: ClaimCheck['ref'], text: string): Promise<void>;
  get(ref: ClaimCheck['ref']): Promise<string>;
}
