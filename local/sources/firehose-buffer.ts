import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BufferedRecord, FirehoseBatch } from './firehose-batch.ts';

/** What a line of the buffer file notes of the batch in hand: its cut (the records through one), then what each step did. */
type BatchNote = Partial<Omit<FirehoseBatch, 'records'>> & { id: string; through?: string };

/** A line of the buffer file: a record, a mark that the records up to one were processed, or a note of the batch in hand. */
type Line = BufferedRecord | { processedThrough: string } | { batch: BatchNote };

/** What `note` can record of the batch in hand. */
type Step = 'transformed' | 'undelivered' | 'backedUp';

/** Where a data folder keeps a firehose pipeline's delivery stream buffer. */
export const bufferFileOf = (dataDir: string, pipeline: string): string => join(dataDir, 'firehose', `${pipeline}.jsonl`);

let sequence = 0;

/** Records as PutRecordBatch takes them: each with a RecordId no other put of any process on the machine gives, and the time they arrived. */
export function arriving(datas: Uint8Array[], now = Date.now()): BufferedRecord[] {
  return datas.map((data) => ({
    recordId: `${now}${String(process.pid).padStart(7, '0')}${String(sequence++).padStart(12, '0')}`,
    approximateArrivalTimestamp: now,
    data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
  }));
}

/**
 * The records a local delivery stream has accepted and not yet processed, kept in an append-only JSON
 * Lines file of the data folder: a record is on disk before PutRecord answers, and is marked processed
 * only once it has been delivered or backed up, so a stop or a kill loses nothing (a restart processes
 * it again: Firehose's own guarantee is at least once). The batch being processed is noted there too,
 * its cut before it is transformed and each step once done, so that a restart goes on with the same
 * batch where it stopped instead of transforming its records again, cut another way. Every write goes
 * through one queue, in order; the file is emptied whenever nothing is left.
 */
export class FirehoseBuffer {
  private records: BufferedRecord[] = [];
  private bytes = 0;
  private inHand: FirehoseBatch | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** A write failed: the file may not be what is in hand until it is written again. */
  private torn = false;

  private constructor(private readonly file: string | undefined) {}

  static async open(file: string | undefined): Promise<FirehoseBuffer> {
    const buffer = new FirehoseBuffer(file);
    if (!file) return buffer;
    await mkdir(dirname(file), { recursive: true });
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    const lines = text.split('\n');
    const lastLine = lines.findLastIndex((line) => line !== '');
    lines.forEach((text, i) => {
      if (!text) return;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch (error) {
        // a torn last line is a put that never answered; anything else is damage worth stopping for
        if (i === lastLine) return;
        throw new Error(`${file}:${i + 1}: not a buffered record (${(error as Error).message})`, { cause: error });
      }
      if ('processedThrough' in line) {
        buffer.forget(buffer.records.findIndex((r) => r.recordId === line.processedThrough) + 1);
        buffer.inHand = undefined;
      } else if ('batch' in line) {
        buffer.resume(line.batch, `${file}:${i + 1}`);
      } else {
        buffer.keep(line);
      }
    });
    // start the file again with only what is left, and the batch in hand noted in one line
    await buffer.rewrite(file);
    return buffer;
  }

  /** The batch cut and not yet dropped: read back from the file after a restart, or kept after a failure. */
  get batchInHand(): FirehoseBatch | undefined {
    return this.inHand;
  }

  get size(): { records: number; bytes: number; oldest: number | undefined } {
    return { records: this.records.length, bytes: this.bytes, oldest: this.records[0]?.approximateArrivalTimestamp };
  }

  /** Appends records; resolves once they are on disk, and only then are they in the buffer (a put refused leaves nothing). */
  async add(records: BufferedRecord[]): Promise<void> {
    if (!this.file) {
      for (const record of records) this.keep(record);
      return;
    }
    await this.write(async (file) => {
      await appendFile(file, records.map(lineOf).join(''));
      for (const record of records) this.keep(record);
    });
  }

  /**
   * The batch in hand (cut earlier and not dropped: after a failure, or read back after a restart), or
   * a new one of the oldest records, up to about `maxBytes` of data, its cut on disk before it is used.
   */
  async next(maxBytes: number): Promise<FirehoseBatch> {
    if (this.inHand) return this.inHand;
    const records = this.peek(maxBytes);
    const batch: FirehoseBatch = { id: crypto.randomUUID(), records, backedUp: [] };
    await this.write((file) => appendFile(file, lineOf(wholeNote(batch))));
    return (this.inHand = batch);
  }

  /** Notes what a step of the batch in hand did (in memory first: the file only saves a restart from doing it again); returns it. */
  async note<S extends Step>(step: S, value: NonNullable<FirehoseBatch[S]>): Promise<NonNullable<FirehoseBatch[S]>> {
    const batch = this.inHand;
    if (!batch) throw new Error(`no batch in hand to note "${step}" of`);
    batch[step] = value;
    await this.write((file) => appendFile(file, lineOf({ batch: { id: batch.id, [step]: value } })));
    return value;
  }

  /** The oldest records, up to about `maxBytes` of data (at least one): the next transformation request. */
  peek(maxBytes: number): BufferedRecord[] {
    const out: BufferedRecord[] = [];
    let bytes = 0;
    for (const record of this.records) {
      const size = dataBytes(record);
      if (out.length > 0 && bytes + size > maxBytes) break;
      out.push(record);
      bytes += size;
    }
    return out;
  }

  /** Marks the first `count` records processed (the batch in hand, if there is one, with them). */
  async drop(count: number): Promise<void> {
    const last = this.records[count - 1];
    if (!last) return;
    this.forget(count);
    this.inHand = undefined;
    // when this write's turn comes, every earlier append is done: with nothing left, the file can be emptied
    await this.write((file) => (this.records.length === 0 ? writeFile(file, '') : appendFile(file, lineOf({ processedThrough: last.recordId }))));
  }

  /**
   * Runs a write after those before it. A write that fails fails its caller, not the ones after it: the
   * next write first writes the file again from what is in hand (the failed one may have left half a line,
   * which a restart could not read past).
   */
  private write(step: (file: string) => Promise<void>): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    const done = this.writing.then(async () => {
      if (this.torn) await this.rewrite(file);
      try {
        await step(file);
      } catch (error) {
        this.torn = true;
        throw error;
      }
    });
    this.writing = done.catch(() => undefined);
    return done;
  }

  /** The file written again, whole: the records left, and the batch in hand noted in one line. */
  private async rewrite(file: string): Promise<void> {
    await writeFile(`${file}.tmp`, this.records.map(lineOf).join('') + (this.inHand ? lineOf(wholeNote(this.inHand)) : ''));
    await rename(`${file}.tmp`, file);
    this.torn = false;
  }

  private keep(record: BufferedRecord): void {
    this.records.push(record);
    this.bytes += dataBytes(record);
  }

  private forget(count: number): void {
    for (const record of this.records.splice(0, count)) this.bytes -= dataBytes(record);
  }

  /** A note read back: a cut starts the batch in hand again, a step's note goes into it. */
  private resume({ through, ...note }: BatchNote, where: string): void {
    if (through !== undefined) {
      const count = this.records.findIndex((record) => record.recordId === through) + 1;
      if (count === 0) throw new Error(`${where}: a batch cut through ${through}, a record not in the buffer`);
      this.inHand = { records: this.records.slice(0, count), backedUp: [], ...note };
    } else if (this.inHand?.id === note.id) {
      Object.assign(this.inHand, note);
    } else {
      throw new Error(`${where}: a note of batch ${note.id}, not the batch in hand (${this.inHand?.id ?? 'none'})`);
    }
  }
}

const lineOf = (line: Line) => `${JSON.stringify(line)}\n`;

/** The batch as one note: its cut (the records through its last) and every step done. */
const wholeNote = ({ records, ...note }: FirehoseBatch): Line => ({ batch: { ...note, through: records.at(-1)!.recordId } });

const dataBytes = (record: BufferedRecord) => Math.floor((record.data.length * 3) / 4);
