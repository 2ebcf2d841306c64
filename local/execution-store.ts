import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Counts } from '../contracts/batch.ts';
import type { ExecutionResult } from './engine.ts';
import type { ExecutionSource } from './execution-source.ts';
import { entryOf } from './execution-entry.ts';

/** An execution in the list: what the inspector filters and shows without reading its trace. */
export interface ExecutionEntry {
  id: string;
  pipeline: string;
  workflow: string;
  status: string;
  batchId?: string;
  startedAt: string;
  durationMs: number;
  counts?: Counts;
  error?: string;
  /** The execution this one redrove, when it was started by a redrive. */
  redrove?: string;
  /** Where a failed execution's whole input was kept (s3://… or ledger://…). */
  inputKey?: string;
}

export interface ExecutionFilter {
  pipeline?: string;
  workflow?: string;
  status?: string;
  /** A batch id, an execution id, or any text of the trace (a record id, an event id). */
  q?: string;
  limit?: number;
}

/**
 * Every execution the running stack ran, kept in the data folder for the inspector: its whole result
 * (trace, outputs, chunk executions) in `executions/<id>.json`, and a line per execution in
 * `executions.jsonl` to list and filter them without reading every trace.
 */
export class ExecutionStore implements ExecutionSource {
  private readonly entries: ExecutionEntry[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly dir: string) {}

  static async open(dataDir: string): Promise<ExecutionStore> {
    const store = new ExecutionStore(dataDir);
    await mkdir(join(dataDir, 'executions'), { recursive: true });
    const text = await readFile(join(dataDir, 'executions.jsonl'), 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (line.trim()) store.entries.push(JSON.parse(line) as ExecutionEntry);
    return store;
  }

  add(result: ExecutionResult, redrove?: string): Promise<void> {
    const entry = entryOf(result, redrove);
    const { id } = entry;
    this.entries.push(entry);
    return (this.writing = this.writing.then(async () => {
      await writeFile(join(this.dir, 'executions', `${id}.json`), JSON.stringify(result));
      await appendFile(join(this.dir, 'executions.jsonl'), `${JSON.stringify(entry)}\n`);
    }));
  }

  async get(id: string): Promise<ExecutionResult | undefined> {
    if (!/^[\w-]+$/.test(id)) return undefined;
    const text = await readFile(join(this.dir, 'executions', `${id}.json`), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as ExecutionResult);
  }

  /** Newest first; `q` is looked up in the entries first, then in the traces (a record id lives there). */
  async list(filter: ExecutionFilter = {}): Promise<ExecutionEntry[]> {
    const limit = filter.limit ?? 200;
    const matching = this.entries.filter(
      (e) => (!filter.pipeline || e.pipeline === filter.pipeline) && (!filter.workflow || e.workflow === filter.workflow) && (!filter.status || e.status === filter.status),
    );
    const newest = [...matching].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    if (!filter.q) return newest.slice(0, limit);
    const q = filter.q;
    const found: ExecutionEntry[] = [];
    for (const entry of newest) {
      if (found.length >= limit) break;
      if (entry.id === q || entry.batchId?.includes(q)) found.push(entry);
      else if ((await readFile(join(this.dir, 'executions', `${entry.id}.json`), 'utf8').catch(() => '')).includes(q)) found.push(entry);
    }
    return found;
  }
}
