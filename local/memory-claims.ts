import type { ClaimCheck } from '../contracts/batch.ts';
import { isDeepStrictEqual } from 'node:util';
import type { ClaimStore } from '../contracts/claim-store.ts';

export const idOf = (ref: ClaimCheck['ref']) => `${ref.bucket}/${ref.key}`;

/**
 * The local engine's claim store: a payload claim-checked by one of its executions stays in this process
 * until that execution has ended, instead of a round trip through s3rver at each task boundary. The
 * references in the states are those of AWS (same threshold and bucket, names of the same form), without the
 * `bytes` of a payload written to S3 (nothing was written: `,"bytes":N`, some 15 characters less state per claim check); what an execution
 * needs after a crash is its kept input in the backup bucket, never a claim check. A payload put outside
 * any execution (the Firehose bridge, a redrive) and a reference to something not held here (a request
 * written to the bucket by hand) go to `base`, the work bucket.
 *
 * It keeps the value itself, which the next task takes as it is instead of parsing the text back (a
 * chunk's body of 10 MB took as long to parse as to serialise). That is the same as AWS only while
 * the values tasks hand on are JSON as they are, and no task changes the value it was handed: with
 * `check` (the tests' setting, SLUICE_CHECK_CLAIMS=1), each put is compared with its text parsed back
 * and frozen, so that a value JSON would change, or a task that changes its input, fails there.
 */
export class MemoryClaims implements ClaimStore {
  /** Payloads by reference (the text only when asked for); each is put once, by the execution that holds it. */
  private readonly held = new Map<string, { value: unknown; text?: string }>();

  constructor(
    private readonly base: ClaimStore,
    /** The references the running execution holds; undefined outside any execution. */
    private readonly running: () => Set<string> | undefined,
    private readonly options: { keepTexts?: boolean; check?: boolean } = {},
  ) {}

  async put(ref: ClaimCheck['ref'], value: unknown): Promise<number | undefined> {
    const held = this.running();
    if (!held) return this.base.put(ref, value);
    const text = this.options.check || this.options.keepTexts ? JSON.stringify(value) : undefined;
    if (this.options.check) checkJson(ref, text!, value);
    const id = idOf(ref);
    held.add(id);
    this.held.set(id, { value, ...(this.options.keepTexts ? { text } : {}) });
    return undefined;
  }

  async get(ref: ClaimCheck['ref']): Promise<string> {
    const entry = this.held.get(idOf(ref));
    return entry ? (entry.text ?? JSON.stringify(entry.value)) : this.base.get(ref);
  }

  kept(ref: ClaimCheck['ref']): unknown {
    return this.held.get(idOf(ref))?.value;
  }

  /** The payloads of these references, by `bucket/key` (what an execution held, kept for the inspector). */
  texts(held: Set<string>): Map<string, string> {
    const texts = new Map<string, string>();
    for (const id of held) {
      const entry = this.held.get(id);
      if (entry) texts.set(id, entry.text ?? JSON.stringify(entry.value));
    }
    return texts;
  }

  /** An execution has ended: what it held goes. */
  release(held: Set<string>): void {
    for (const id of held) this.held.delete(id);
    held.clear();
  }

  /** Payloads held now (none once every execution has ended). */
  get size(): number {
    return this.held.size;
  }
}

/** Fails unless `value` is what parsing `text` gives (no undefined field, NaN, Date...), and freezes it, all through. */
function checkJson(ref: ClaimCheck['ref'], text: string, value: unknown): void {
  if (!isDeepStrictEqual(JSON.parse(text), value)) {
    throw new Error(`claim check ${idOf(ref)}: the value handed on is not what its JSON reads back as (a field undefined, a NaN, a Date?): AWS would hand the next task something else`);
  }
  deepFreeze(value);
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
}
