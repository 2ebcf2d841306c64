import { describe, expect, it } from 'vitest';
import type { ClaimStore } from '../../contracts/claim-store.ts';
import { MemoryClaims } from '../../local/memory-claims.ts';

/** The work bucket's part in this: a store that says when it is used. */
function bucket() {
  const objects = new Map<string, string>();
  const store: ClaimStore = {
    put: async (ref, text) => void objects.set(ref.key, text),
    get: async (ref) => {
      const text = objects.get(ref.key);
      if (text === undefined) throw new Error(`NoSuchKey ${ref.key}`);
      return text;
    },
  };
  return { objects, store };
}

const ref = (key: string) => ({ bucket: 'sluice-work', key });

describe('MemoryClaims', () => {
  it('keeps what an execution claim-checks in process, out of the bucket, until the execution ends', async () => {
    const { objects, store } = bucket();
    const held = new Set<string>();
    const claims = new MemoryClaims(store, () => held);
    await claims.put(ref('claims/b1/x.json'), '{"a":1}');
    expect(objects.size).toBe(0);
    expect(await claims.get(ref('claims/b1/x.json'))).toBe('{"a":1}');
    claims.release(held);
    expect(claims.size).toBe(0);
    await expect(claims.get(ref('claims/b1/x.json'))).rejects.toThrow('NoSuchKey claims/b1/x.json');
  });

  it('writes to the bucket outside any execution, and reads from it what it does not hold', async () => {
    const { objects, store } = bucket();
    const claims = new MemoryClaims(store, () => undefined);
    await claims.put(ref('claims/firehose.inv/y.json'), '{"records":[]}');
    expect(objects.get('claims/firehose.inv/y.json')).toBe('{"records":[]}');
    expect(await claims.get(ref('claims/firehose.inv/y.json'))).toBe('{"records":[]}');
  });

  it('keeps a payload two executions of one batch share until both have ended', async () => {
    const { store } = bucket();
    const first = new Set<string>();
    const second = new Set<string>();
    let running = first;
    const claims = new MemoryClaims(store, () => running);
    await claims.put(ref('claims/b2/z.json'), '"same"');
    running = second;
    await claims.put(ref('claims/b2/z.json'), '"same"');
    await claims.put(ref('claims/b2/z.json'), '"same"'); // a retried step of the same execution holds it once
    claims.release(first);
    expect(await claims.get(ref('claims/b2/z.json'))).toBe('"same"');
    claims.release(second);
    expect(claims.size).toBe(0);
  });
});
