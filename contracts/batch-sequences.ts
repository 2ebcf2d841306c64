/**
 * The sequence numbers of a Kinesis batch that is not a stretch of its shard, as its ledger row keeps them.
 * With one batch in flight per shard (a Pipe's parallelizationFactor of 1), a batch is every record of its
 * shard from its first sequence number to its last, and the row's `source` says it all. With several,
 * each batch holds the records of some partition keys only, and its stretch spans the other batches'
 * records: what it delivered is then its own list. Within a shard the numbers share a long prefix (56
 * digits, of which the last 20 to 30 differ), written once: 100 records take 2 to 3 KB.
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
 * Beside an input kept in the row (up to 200 KB) the list stays under DynamoDB's 400 KB an item: 2,000 to
 * 3,000 records. A larger batch's row says its list was not kept, and holds nothing for a redrive: a
 * record it delivered that a failed batch also holds is delivered again (a duplicate, never a loss).
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
