import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

/** A sequence number's parts, as kinesalite reads and writes them (kinesalite/db/index.js). */
interface SequenceParts {
  version?: number | null;
  shardCreateTime: number;
  shardIx?: number;
  seqIx?: number | string;
  seqTime?: number;
  byte1?: string;
  seqRand?: string;
}
/** What kinesalite's PutRecord(s) ask of a partition key's hash: a comparison with a shard's hash key range bounds (decimal strings). */
interface Comparable {
  comparedTo(other: unknown): number;
}
interface KinesaliteDb {
  parseSequence(sequence: string): SequenceParts;
  stringifySequence(parts: SequenceParts): string;
  partitionKeyToHashKey(partitionKey: string): Comparable;
}

const POW_2_124 = 1n << 124n;
const POW_2_129 = 1n << 129n;
const POW_2_185 = 1n << 185n;
const POW_2_185_AND_HALF = POW_2_185 + (POW_2_185 >> 1n);

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
const shardIxHex = (shardIx: number | undefined) => ('0000000' + (shardIx || 0).toString(16)).slice(-8);

/** A partition key's MD5 as a 128-bit integer, compared with BigInt instead of a bignumber.js object per record and shard bound. */
class HashKey implements Comparable {
  /** Shards' bounds, parsed once: every record of every put compares with the same few. */
  private static readonly bounds = new Map<string, bigint>();
  constructor(readonly value: bigint) {}
  comparedTo(other: unknown): number {
    let to: bigint;
    if (typeof other === 'string') {
      const known = HashKey.bounds.get(other);
      if (known === undefined) HashKey.bounds.set(other, (to = BigInt(other)));
      else to = known;
    } else if (other instanceof HashKey) to = other.value;
    else to = BigInt(String(other));
    return this.value < to ? -1 : this.value > to ? 1 : 0;
  }
}

/**
 * kinesalite turns every record's sequence number to and from its parts through bignumber.js: a
 * PutRecords of 500 records parsed its shard's first sequence number 500 times and built 500
 * numbers digit by digit, and each GetRecords parsed every record it read. In the running stack's
 * profile at 5,000 records/s offered that was a tenth of the servers' thread, the largest single item.
 * The same functions on BigInt: the same strings and parts for every sequence number kinesalite
 * writes (decimal digits; a test compares both over generated ones), kinesalite's own for anything
 * else (which it rejects as invalid).
 */
export function fastSequences(): void {
  const db = createRequire(import.meta.url)('kinesalite/db/index.js') as KinesaliteDb;
  const { parseSequence, stringifySequence } = db;
  db.parseSequence = (sequence) => (typeof sequence === 'string' && /^\d{1,60}$/.test(sequence) ? parsed(sequence) : parseSequence(sequence));
  db.stringifySequence = (parts) => {
    try {
      return stringified(parts);
    } catch {
      return stringifySequence(parts);
    }
  };
  db.partitionKeyToHashKey = (partitionKey) => new HashKey(BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`));
}

function parsed(sequence: string): SequenceParts {
  let n = BigInt(sequence);
  if (n < POW_2_124) n += POW_2_124;
  const digits = n.toString(16);
  const version = n < POW_2_129 ? 0 : n > POW_2_185 && n < POW_2_185_AND_HALF ? parseInt(digits.slice(-1), 16) : null;
  const shardCreateSecs = parseInt(digits.slice(1, 10), 16);
  if (version === 2) {
    const seqIxHex = digits.slice(11, 27);
    let shardIx = digits.slice(38, 46);
    if (parseInt(seqIxHex[0]!, 16) > 7) throw new Error('Sequence index too high');
    if (parseInt(shardIx[0]!, 16) > 7) shardIx = '-' + shardIx;
    if (shardCreateSecs >= 16025175000) throw new Error('Date too large: ' + shardCreateSecs);
    return {
      shardCreateTime: shardCreateSecs * 1000,
      seqIx: BigInt(`0x${seqIxHex}`).toString(),
      byte1: digits.slice(27, 29),
      seqTime: parseInt(digits.slice(29, 38), 16) * 1000,
      shardIx: parseInt(shardIx, 16),
      version,
    };
  }
  if (version === 1) {
    return {
      shardCreateTime: shardCreateSecs * 1000,
      byte1: digits.slice(11, 13),
      seqTime: parseInt(digits.slice(13, 22), 16) * 1000,
      seqRand: digits.slice(22, 36),
      seqIx: parseInt(digits.slice(36, 38), 16),
      shardIx: parseInt(digits.slice(38, 46), 16),
      version,
    };
  }
  if (version === 0) {
    if (shardCreateSecs >= 16025175000) throw new Error('Date too large: ' + shardCreateSecs);
    return { shardCreateTime: shardCreateSecs * 1000, byte1: digits.slice(10, 12), seqRand: digits.slice(12, 28), shardIx: parseInt(digits.slice(28, 32), 16), version };
  }
  throw new Error('Unknown version: ' + version);
}

/** The hex digits kinesalite joins for each version, read as one number; throws where bignumber.js would give NaN. */
function stringified(parts: SequenceParts): string {
  const created = hex(Math.floor(parts.shardCreateTime / 1000), 9);
  const time = hex(Math.floor((parts.seqTime || parts.shardCreateTime) / 1000), 9);
  let digits: string;
  if (parts.version == null || parts.version == 2) {
    const seqIx = parts.seqIx || 0;
    if (typeof seqIx === 'number' && !Number.isSafeInteger(seqIx)) throw new RangeError('not an integer');
    digits = ['2', created, (parts.shardIx || 0).toString(16).slice(-1), BigInt(seqIx).toString(16).padStart(16, '0').slice(-16), parts.byte1 || '00', time, shardIxHex(parts.shardIx), '2'].join('');
  } else if (parts.version == 1) {
    digits = ['2', created, (parts.shardIx || 0).toString(16).slice(-1), parts.byte1 || '00', time, parts.seqRand || '00000000000000', ('0' + (parts.seqIx || 0).toString(16 as never)).slice(-2), shardIxHex(parts.shardIx), '1'].join('');
  } else if (parts.version === 0) {
    digits = ['1', created, parts.byte1 || '00', parts.seqRand || '0000000000000000', shardIxHex(parts.shardIx).slice(-4)].join('');
  } else {
    throw new Error('Unknown version: ' + parts.version);
  }
  if (!/^[0-9a-f]+$/i.test(digits)) throw new RangeError('not hex');
  return BigInt(`0x${digits}`).toString();
}
