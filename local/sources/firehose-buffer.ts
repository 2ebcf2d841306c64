import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A record as a delivery stream holds it until it is processed: what a transformation request carries. */
export interface BufferedRecord {
  recordId: string;
  approximateArrivalTimestamp: number;
  /** base64 */
  data: string;
}

/** A line of the buffer file: a record, or a mark that the records up to one were processed. */
type Line = BufferedRecord | { processedThrough: string };

/**
 * The records a local delivery stream has accepted and not yet processed, kept in an append-only JSON
 * Lines file of the data folder: a record is on disk before PutRecord answers, and is marked processed
 * only once it has been delivered or backed up, so a stop or a kill loses nothing (a restart processes
 * it again: Firehose's own guarantee is at least once). Every write goes through one queue, in order;
 * the file is emptied whenever nothing is left.
 */
export class FirehoseBuffer {
  private records: BufferedRecord[] = [];
  private bytes = 0;
  private writing: Promise<void> = Promise.resolve();

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
      if ('processedThrough' in line) buffer.forget(buffer.records.findIndex((r) => r.recordId === line.processedThrough) + 1);
      else buffer.keep(line);
    });
    // start the file again with only what is left
    await writeFile(`${file}.tmp`, buffer.records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    await rename(`${file}.tmp`, file);
    return buffer;
  }

  get size(): { records: number; bytes: number; oldest: number | undefined } {
    return { records: this.records.length, bytes: this.bytes, oldest: this.records[0]?.approximateArrivalTimestamp };
  }

  /** Appends records; resolves once they are on disk. */
  async add(records: BufferedRecord[]): Promise<void> {
    for (const record of records) this.keep(record);
    await this.write((file) => appendFile(file, records.map((record) => `${JSON.stringify(record)}\n`).join('')));
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

  /** Marks the first `count` records processed. */
  async drop(count: number): Promise<void> {
    const last = this.records[count - 1];
    if (!last) return;
    this.forget(count);
    // when this write's turn comes, every earlier append is done: with nothing left, the file can be emptied
    await this.write((file) => (this.records.length === 0 ? writeFile(file, '') : appendFile(file, `${JSON.stringify({ processedThrough: last.recordId })}\n`)));
  }

  private write(step: (file: string) => Promise<void>): Promise<void> {
    const file = this.file;
    if (!file) return Promise.resolve();
    return (this.writing = this.writing.then(() => step(file)));
  }

  private keep(record: BufferedRecord): void {
    this.records.push(record);
    this.bytes += dataBytes(record);
  }

  private forget(count: number): void {
    for (const record of this.records.splice(0, count)) this.bytes -= dataBytes(record);
  }
}

const dataBytes = (record: BufferedRecord) => Math.floor((record.data.length * 3) / 4);
