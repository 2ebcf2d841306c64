/**
 * The sequence numbers of a Kinesis batch's records, as its claim in the shard index keeps them
 * (LEDGER_SHARD_INDEX). Within a shard the numbers share a long prefix (56 digits, of which the last 20 to
 * 30 differ), written once: 100 records take 2 to 3 KB.
 */
export function packSequences(sequences: readonly string[]): string {
  // every suffix keeps a digit at least: an empty list and a list of one empty suffix read differently
  let prefix = (sequences[0] ?? '').slice(0, -1);
  for (const sequence of sequences) {
    if (sequence.length <= prefix.length) prefix = prefix.slice(0, sequence.length - 1);
    let same = 0;
    while (same < prefix.length && prefix[same] === sequence[same]) same++;
    prefix = prefix.slice(0, same);
  }
  const packed = `${prefix}|${sequences.map((sequence) => sequence.slice(prefix.length)).join(',')}`;
  return packed.length <= MAX_PACKED_SEQUENCES_CHARS ? packed : SEQUENCES_NOT_KEPT;
}

/**
 * A claim stays under 64 KB (64 write units): 2,000 to 3,000 records. A larger batch's claim says its list
 * was not kept, and holds nothing: a record it delivered that a batch cut another way also holds is
 * delivered again (a duplicate, never a loss).
 */
export const MAX_PACKED_SEQUENCES_CHARS = 65_536;
export const SEQUENCES_NOT_KEPT = 'not kept';

/** The sequence numbers packSequences packed. */
export function unpackSequences(packed: string): string[] {
  if (packed === SEQUENCES_NOT_KEPT) return [];
  const bar = packed.indexOf('|');
  if (bar < 0) throw new Error(`packed sequence numbers without their prefix: ${packed.slice(0, 60)}`);
  const prefix = packed.slice(0, bar);
  const rest = packed.slice(bar + 1);
  return rest === '' ? [] : rest.split(',').map((suffix) => prefix + suffix);
}

/** A sequence number written to sort as the number does: padded to the 129 digits Kinesis allows (the shard index's sort key). */
export const sortableSequence = (sequence: string): string => sequence.padStart(129, '0');
