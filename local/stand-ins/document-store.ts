import { appendFile } from 'node:fs/promises';
import { readJsonLines } from '../read-json-lines.ts';

type Operation = { op: 'put'; index: string; id: string; doc: Record<string, unknown> } | { op: 'delete'; index: string; id: string };

/** A stand-in's documents by index and id, kept in memory and, with a file, as a log of operations replayed at start. */
export class DocumentStore {
  readonly indexes = new Map<string, Map<string, Record<string, unknown>>>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string | undefined) {}

  async load(): Promise<void> {
    if (!this.file) return;
    for (const operation of await readJsonLines<Operation>(this.file)) this.apply(operation);
  }

  index(name: string): Map<string, Record<string, unknown>> {
    let docs = this.indexes.get(name);
    if (!docs) this.indexes.set(name, (docs = new Map()));
    return docs;
  }

  put(index: string, id: string, doc: Record<string, unknown>): Promise<void> {
    return this.log({ op: 'put', index, id, doc });
  }

  delete(index: string, id: string): Promise<void> {
    return this.log({ op: 'delete', index, id });
  }

  private log(operation: Operation): Promise<void> {
    this.apply(operation);
    const file = this.file;
    if (!file) return Promise.resolve();
    return (this.writing = this.writing.then(() => appendFile(file, `${JSON.stringify(operation)}\n`)));
  }

  private apply(operation: Operation): void {
    if (operation.op === 'put') this.index(operation.index).set(operation.id, operation.doc);
    else this.index(operation.index).delete(operation.id);
  }
}
