import type { ClaimCheck } from '../contracts/batch.ts';
import type { ClaimStore } from '../contracts/claim-store.ts';

export const idOf = (ref: ClaimCheck['ref']) => `${ref.bucket}/${ref.key}`;

/**
 * The local engine's claim store: a payload claim-checked by one of its executions stays in this process
 * until that execution has ended, instead of a round trip through s3rver at each task boundary. The
 * references in the states are the same as on AWS (same threshold, bucket and key); what an execution
 * needs after a crash is its kept input in the backup bucket, never a claim check. A payload put outside
 * any execution (the Firehose bridge, a redrive) and a reference to something not held here (a request
 * written to the bucket by hand) go to `base`, the work bucket.
 */
export class MemoryClaims implements ClaimStore {
  /** Payload text by reference, and how many running executions hold it (two deliveries of one batch share a key). */
  private readonly kept = new Map<string, { text: string; holders: number }>();

  constructor(
    private readonly base: ClaimStore,
    /** The references the running execution holds; undefined outside any execution. */
    private readonly held: () => Set<string> | undefined,
  ) {}

  async put(ref: ClaimCheck['ref'], text: string): Promise<void> {
    const held = this.held();
    if (!held) return this.base.put(ref, text);
    const id = idOf(ref);
    const entry = this.kept.get(id);
    const holders = (entry?.holders ?? 0) + (held.has(id) ? 0 : 1);
    held.add(id);
    this.kept.set(id, { text, holders });
  }

  async get(ref: ClaimCheck['ref']): Promise<string> {
    return this.kept.get(idOf(ref))?.text ?? this.base.get(ref);
  }

  /** The payloads of these references, by `bucket/key` (what an execution held, kept for the inspector). */
  texts(held: Set<string>): Map<string, string> {
    const texts = new Map<string, string>();
    for (const id of held) {
      const text = this.kept.get(id)?.text;
      if (text !== undefined) texts.set(id, text);
    }
    return texts;
  }

  /** An execution has ended: what only it held goes. */
  release(held: Set<string>): void {
    for (const id of held) {
      const entry = this.kept.get(id);
      if (!entry) continue;
      if (entry.holders > 1) entry.holders--;
      else this.kept.delete(id);
    }
    held.clear();
  }

  /** Payloads held now (none once every execution has ended). */
  get size(): number {
    return this.kept.size;
  }
}
