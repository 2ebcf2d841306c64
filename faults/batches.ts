import fc from 'fast-check';
import type { FirehoseTransformRequest } from '../contracts/firehose.ts';
import type { PipesKinesisRecord } from '../contracts/pipes-kinesis.ts';
import { pipesRecord } from '../local/samples.ts';
import { dataOf, payload, type Payload } from '../test/properties/arbitraries.ts';

/**
 * Adversarial units packed the way the triggers deliver them: Pipes batches (100-500 records within
 * 262,144 characters), Firehose transformation requests (a few hundred records), S3 objects (a few
 * thousand lines). Everything follows from the seed.
 */

export const PIPES_MAX_CHARS = 262_144;
const BASE_TIME = Date.UTC(2026, 10, 23, 9, 30, 0);

/** mulberry32: a small seeded generator for sizes and choices (fast-check draws the contents). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class UnitSource {
  private readonly random: () => number;
  private queue: Payload[] = [];
  private draws = 0;
  private sequence = 0;

  constructor(private readonly seed: number) {
    this.random = seeded(seed);
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** The next payload; now and then one this batch already carries (an upstream redelivery). */
  next(earlier: Payload[]): Payload {
    if (earlier.length > 0 && this.chance(0.03)) return earlier[this.int(0, earlier.length - 1)]!;
    if (this.queue.length === 0) this.queue = fc.sample(payload, { seed: this.seed * 7919 + this.draws++, numRuns: 500 });
    return this.queue.pop()!;
  }

  /** A Pipes batch of Kinesis records, 100-500 of them, within Pipes' 262,144 characters. */
  pipesBatch(): { input: PipesKinesisRecord[]; units: number; kinds: string[] } {
    const target = this.int(100, 500);
    const shard = `shardId-00000000000${this.int(0, 3)}`;
    const records: PipesKinesisRecord[] = [];
    const used: Payload[] = [];
    let chars = 2;
    while (records.length < target) {
      const p = this.next(used);
      const record: PipesKinesisRecord = pipesRecord(Buffer.from(dataOf(p), 'base64'), 10_000 + this.sequence++, shard);
      const size = JSON.stringify(record).length + 1;
      if (chars + size > PIPES_MAX_CHARS) {
        if (records.length === 0) continue; // a unit Pipes could never carry
        this.queue.push(p);
        break;
      }
      chars += size;
      records.push(record);
      used.push(p);
    }
    return { input: records, units: records.length, kinds: used.map((p) => p.kind) };
  }

  /** A Firehose transformation request of 50-300 records. */
  firehoseRequest(): { input: FirehoseTransformRequest; units: number; kinds: string[] } {
    const count = this.int(50, 300);
    const used: Payload[] = [];
    const records = Array.from({ length: count }, () => {
      const p = this.next(used);
      used.push(p);
      const n = this.sequence++;
      return { recordId: `4954698668313554428650745793632162567570019247115678${String(n).padStart(10, '0')}`, approximateArrivalTimestamp: BASE_TIME + n, data: dataOf(p) };
    });
    const input = { invocationId: `inv-${this.seed}-${this.sequence}`, deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/sluice-adversarial', region: 'us-east-1', records };
    return { input, units: count, kinds: used.map((p) => p.kind) };
  }

  /** An S3 object of 500-3,000 lines (LF or CRLF, blank lines among them): each payload's bytes a line. */
  objectLines(): { body: Buffer; kinds: string[] } {
    const count = this.int(500, 3_000);
    const crlf = this.chance(0.3);
    const used: Payload[] = [];
    const parts: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const p = this.next(used);
      const line = p.bytes ?? Buffer.from(p.base64!);
      used.push(p);
      parts.push(line, Buffer.from(crlf ? '\r\n' : '\n'));
      if (this.chance(0.01)) parts.push(Buffer.from('\n'));
    }
    // now and then the last line has no newline
    if (this.chance(0.3)) parts.pop();
    return { body: Buffer.concat(parts), kinds: used.map((p) => p.kind) };
  }
}
