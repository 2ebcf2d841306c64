import { describe, expect, it } from 'vitest';
import type { ClaimStore } from '../../contracts/claim-store.ts';
import { MemoryClaims } from '../../local/memory-claims.ts';

/** The work bucket's part in this: a store that says when it is used. */
function bucket() {
  const objects = new Map<string, string>();
  const store: ClaimStore = {
    put: async (ref, value) => void objects.set(ref.key, JSON.stringify(value)),
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
    await claims.put(ref('claims/b1/x.json'), { a: 1 });
    expect(objects.size).toBe(0);
    expect(await claims.get(ref('claims/b1/x.json'))).toBe('{"a":1}');
    claims.release(held);
    expect(claims.size).toBe(0);
    await expect(claims.get(ref('claims/b1/x.json'))).rejects.toThrow('NoSuchKey claims/b1/x.json');
  });

  it('writes to the bucket outside any execution, and reads from it what it does not hold', async () => {
    const { objects, store } = bucket();
    const claims = new MemoryClaims(store, () => undefined);
    await claims.put(ref('claims/firehose.inv/y.json'), { records: [] });
    expect(objects.get('claims/firehose.inv/y.json')).toBe('{"records":[]}');
    expect(await claims.get(ref('claims/firehose.inv/y.json'))).toBe('{"records":[]}');
  });

  it('lets go, when an execution ends, of what it held and of nothing another holds', async () => {
    const { store } = bucket();
    const first = new Set<string>();
    const second = new Set<string>();
    let running = first;
    const claims = new MemoryClaims(store, () => running);
    await claims.put(ref('claims/b2/one.json'), 'one');
    running = second;
    await claims.put(ref('claims/b2/two.json'), 'two');
    claims.release(first);
    expect(claims.kept(ref('claims/b2/one.json'))).toBeUndefined();
    expect(await claims.get(ref('claims/b2/two.json'))).toBe('"two"');
    claims.release(second);
    expect(claims.size).toBe(0);
  });

  it('hands the next task the value itself, not parsed back; outside an execution, nothing is kept', async () => {
    const { store } = bucket();
    const held = new Set<string>();
    let running: Set<string> | undefined = held;
    const claims = new MemoryClaims(store, () => running);
    const body = { records: [{ id: 'r1', data: { n: 1 } }] };
    await claims.put(ref('claims/b3/v.json'), body);
    expect(claims.kept(ref('claims/b3/v.json'))).toBe(body);
    // without the text kept (the inspector asks for it), it is written from the value when asked for
    expect(await claims.get(ref('claims/b3/v.json'))).toBe(JSON.stringify(body));
    running = undefined;
    await claims.put(ref('claims/bridge/w.json'), [1]);
    expect(claims.kept(ref('claims/bridge/w.json'))).toBeUndefined();
    claims.release(held);
    expect(claims.kept(ref('claims/b3/v.json'))).toBeUndefined();
  });

  it('with check: refuses a value its JSON would change, and freezes what it keeps, all through', async () => {
    const { store } = bucket();
    const claims = new MemoryClaims(store, () => new Set(), { check: true });
    for (const value of [{ a: 1, b: undefined }, { n: Number.NaN }, { at: new Date(0) }, [1, , 3]]) {
      await expect(claims.put(ref('claims/b4/x.json'), value)).rejects.toThrow('claim check sluice-work/claims/b4/x.json: the value handed on is not what its JSON reads back as');
    }
    const body = { records: [{ id: 'r1', data: { n: 1 } }] };
    await claims.put(ref('claims/b4/y.json'), body);
    expect(() => {
      body.records[0]!.data.n = 2;
    }).toThrow(TypeError);
    expect(() => body.records.push({ id: 'r2', data: { n: 3 } })).toThrow(TypeError);
  });
});
