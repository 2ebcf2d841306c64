import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PACKED_SEQUENCES_CHARS, packSequences, SEQUENCES_NOT_KEPT, unpackSequences } from '../../contracts/batch-sequences.ts';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/aws-events/converted/pipes');

/** The sequence numbers of the Pipes-shaped samples in the shared corpus, by sample: real ones, from AWS and its SDKs. */
const corpusSequences = () =>
  readdirSync(CORPUS)
    .filter((name) => name.endsWith('.json'))
    .map((name) => (JSON.parse(readFileSync(join(CORPUS, name), 'utf8')) as { sequenceNumber?: string }[]).flatMap((r) => (r.sequenceNumber ? [r.sequenceNumber] : [])))
    .filter((sequences) => sequences.length > 0);

describe('the sequence numbers a batch row keeps when its shard has several batches in flight', () => {
  it('reads back exactly what was packed: any list of decimal sequence numbers, of one length or several', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[1-9][0-9]{0,57}$/), { maxLength: 200 }), (sequences) => {
        expect(unpackSequences(packSequences(sequences))).toStrictEqual(sequences);
      }),
    );
    expect(unpackSequences(packSequences([]))).toStrictEqual([]);
    expect(unpackSequences(packSequences(['7']))).toStrictEqual(['7']);
  });

  it('reads back the corpus\'s real sequence numbers, and writes their shared prefix once', () => {
    const samples = corpusSequences();
    expect(samples.length).toBeGreaterThan(3);
    for (const sequences of samples) expect(unpackSequences(packSequences(sequences))).toStrictEqual(sequences);
    const shard = ['49571347871967966406409637141563465152445265354688561154', '49571347871967966406409637155186850213682522142927749122'];
    expect(packSequences(shard).length).toBeLessThan(shard.join(',').length - 20);
  });

  it('says the list was not kept when it is over the cap, and such a row holds nothing', () => {
    // as AWS numbers a busy shard: a shared prefix of 26 digits, then 30 that differ
    const many = Array.from({ length: 3_000 }, (_, i) => `49571347871967966406409637${(10n ** 29n + BigInt(i) * 4_539_007_919_001_234_567_891n).toString().padStart(30, '0')}`);
    expect(packSequences(many.slice(0, 1_000)).length).toBeLessThan(MAX_PACKED_SEQUENCES_CHARS);
    expect(packSequences(many) === SEQUENCES_NOT_KEPT).toBe(true);
    expect(unpackSequences(SEQUENCES_NOT_KEPT)).toStrictEqual([]);
  });
});
