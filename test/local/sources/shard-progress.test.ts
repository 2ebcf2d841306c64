import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShardProgress } from '../../../local/sources/shard-progress.ts';

describe('a shard\'s progress with batches ending out of order', () => {
  it('moves the checkpoint only over records taken with every record before them', () => {
    const progress = new ShardProgress();
    const [a, b, c, d] = ['1', '2', '3', '4'].map((seq, i) => progress.read(seq, 1000 + i));
    expect(progress.take([c!, d!])).toBeUndefined();
    expect(progress.oldest()).toBe(1000);
    expect(progress.take([b!])).toBeUndefined();
    expect(progress.take([a!])).toBe('4');
    expect(progress.size).toBe(0);
    expect(progress.oldest()).toBeUndefined();
  });

  it('never passes a record not taken, whatever order the batches end in (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 200 }), (records, cuts) => {
        const progress = new ShardProgress();
        const places = Array.from({ length: records }, (_, i) => progress.read(String(i).padStart(6, '0'), i));
        // batches cut from the records, ended in an order the cuts shuffle
        const batches: (typeof places)[] = [];
        for (let at = 0, k = 0; at < records; k++) batches.push(places.slice(at, (at += cuts[k % cuts.length]!)));
        const order = batches.map((_, i) => i).sort((x, y) => ((x * 7919 + cuts[0]!) % batches.length) - ((y * 7919 + cuts[0]!) % batches.length));
        const taken = new Set<number>();
        let checkpoint = -1;
        for (const i of order) {
          for (const place of batches[i]!) taken.add(Number(place.sequenceNumber));
          const moved = progress.take(batches[i]!);
          if (moved !== undefined) {
            expect(Number(moved)).toBeGreaterThan(checkpoint);
            checkpoint = Number(moved);
          }
          for (let seq = 0; seq <= checkpoint; seq++) expect(taken.has(seq)).toBe(true);
          expect(taken.has(checkpoint + 1)).toBe(false);
        }
        expect(checkpoint).toBe(records - 1);
      }),
      { numRuns: 100 },
    );
  });
});
