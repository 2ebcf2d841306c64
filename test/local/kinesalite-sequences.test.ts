import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fastSequences } from '../../local/kinesalite-sequences.ts';

type Db = {
  parseSequence(sequence: string): unknown;
  stringifySequence(parts: object): string;
  partitionKeyToHashKey(key: string): { comparedTo(other: unknown): number };
};
const db = createRequire(import.meta.url)('kinesalite/db/index.js') as Db;
// kinesalite's own, kept before the patch replaces them
const own = { parseSequence: db.parseSequence, stringifySequence: db.stringifySequence, partitionKeyToHashKey: db.partitionKeyToHashKey };
fastSequences();

/** What a call gives: its value, or that it threw. */
const outcome = (call: () => unknown) => {
  try {
    return { value: call() };
  } catch {
    return { threw: true };
  }
};

const seconds = fc.integer({ min: 0, max: 2 ** 36 - 1 });
const parts = fc.record(
  {
    version: fc.constantFrom(undefined, null, 0, 1, 2),
    shardCreateTime: seconds.map((s) => s * 1000),
    shardIx: fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 50 })),
    seqIx: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String)),
    seqTime: fc.oneof(seconds.map((s) => s * 1000 + 999), fc.constant(undefined)),
    byte1: fc.constantFrom(undefined, '00', '7f', 'ab'),
    seqRand: fc.constantFrom(undefined, '0123456789abcd', '0123456789abcdef'),
  },
  { requiredKeys: ['shardCreateTime'] },
);

describe('kinesalite\'s sequence numbers on BigInt (local/kinesalite-sequences.ts)', () => {
  it('writes every sequence number as kinesalite does, and reads it back into the same parts', () => {
    expect([db.parseSequence, db.stringifySequence, db.partitionKeyToHashKey]).not.toContain(own.parseSequence);
    expect(db.stringifySequence).not.toBe(own.stringifySequence);
    fc.assert(
      fc.property(parts, (p) => {
        const written = outcome(() => db.stringifySequence(p));
        expect(written).toStrictEqual(outcome(() => own.stringifySequence(p)));
        if ('value' in written) expect(outcome(() => db.parseSequence(written.value as string))).toStrictEqual(outcome(() => own.parseSequence(written.value as string)));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads any string as kinesalite does, or fails where it fails', () => {
    // around the bounds between versions (2^124, 2^129, 2^185, 1.5 x 2^185), and anywhere
    const edges = [2n ** 124n, 2n ** 128n, 2n ** 129n, 2n ** 185n, 3n * 2n ** 184n].flatMap((edge) => [edge - 1n, edge, edge + 1n]);
    const nearEdges = fc.tuple(fc.constantFrom(...edges), fc.bigInt({ min: -1000n, max: 1000n })).map(([edge, offset]) => String(edge + offset));
    const strings = fc.oneof(nearEdges, fc.bigInt({ min: 0n, max: 2n ** 190n }).map(String), fc.stringMatching(/^[0-9]{1,70}$/), fc.string(), fc.constantFrom('', '-1', '1e50', '0x10', ' 12'));
    fc.assert(
      fc.property(strings, (s) => {
        expect(outcome(() => db.parseSequence(s))).toStrictEqual(outcome(() => own.parseSequence(s)));
      }),
      { numRuns: 3000 },
    );
  });

  it('puts a partition key in the same shard: compared with a shard\'s hash key bounds as kinesalite compares them', () => {
    const bound = fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String);
    fc.assert(
      fc.property(fc.string(), bound, (key, edge) => {
        expect(db.partitionKeyToHashKey(key).comparedTo(edge)).toBe(own.partitionKeyToHashKey(key).comparedTo(edge));
      }),
      { numRuns: 2000 },
    );
    // a key compared with its own hash: equal
    const hashOf = (key: string) => BigInt(`0x${createHash('md5').update(key).digest('hex')}`).toString();
    expect(db.partitionKeyToHashKey('k').comparedTo(hashOf('k'))).toBe(0);
  });
});
