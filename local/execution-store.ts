import { createHash } from 'node:crypto';
import { appendFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClaimCheck } from '../contracts/batch.ts';
import { DEFAULT_LOG_LEVEL, type LogLevel, type SluiceConfig } from '../contracts/config.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import { getBytes } from '../tasks/shared/s3-objects.ts';
import type { ExecutionResult } from './engine.ts';
import type { ExecutionEntry, ExecutionFilter, ExecutionSource, KeptClaim } from './execution-source.ts';
import { readJsonLines } from './read-json-lines.ts';
import { entryOf } from './execution-entry.ts';
import { traceBytes } from './trace-bytes.ts';
import { idOf } from './memory-claims.ts';

/** Reads a claim-checked payload from the work bucket (the stack's S3) while it is still there. */
export type ClaimReader = (ref: ClaimCheck['ref']) => Promise<Uint8Array>;

/** The claim reader of a stack: its S3 (s3rver, or the work bucket). */
export const claimsFrom = (ctx: TaskContext): ClaimReader => (ref) => getBytes(ctx, ref.bucket, ref.key);

export const claimUrl = (ref: ClaimCheck['ref']) => `s3://${ref.bucket}/${ref.key}`;

/** Every claim check anywhere in a value (state inputs and outputs, chunk executions), each once. */
function claimChecksIn(value: unknown, found = new Map<string, ClaimCheck>()): Map<string, ClaimCheck> {
  if (typeof value !== 'object' || value === null) return found;
  // every field of every record of every state's payload comes through here: the guard only where a claim check's `ref` is
  if ('ref' in value && ClaimCheck.is(value)) found.set(claimUrl(value.ref), value);
  else if (Array.isArray(value)) for (const item of value) claimChecksIn(item, found);
  else for (const key in value) claimChecksIn((value as Record<string, unknown>)[key], found);
  return found;
}

/** A state's payload (JSON), or a chunk of an S3 object (JSON Lines: an s3 execution's chunk references have a claim check's shape). */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.split('\n').filter((line) => line.trim()).map((line) => JSON.parse(line) as unknown);
  }
}

/** What the engine kept of an execution and its chunk executions (ExecutionResult.claimed), by `bucket/key`. */
function claimedIn(result: ExecutionResult, into = new Map<string, string>()): Map<string, string> {
  for (const [id, text] of result.claimed ?? []) into.set(id, text);
  for (const chunk of result.chunks ?? []) claimedIn(chunk, into);
  return into;
}

/** A claim check's payload as read: the engine's JSON text of it, or the bytes the work bucket holds. */
type ReadClaim = { claim: ClaimCheck; json?: string; data?: Uint8Array; error?: string };

/**
 * The payloads an execution's claim checks point at: those the engine kept in process (`claimed`, the
 * JSON text the task stored), else read while the work bucket still holds them (an s3 execution's chunks,
 * a redrive's input).
 */
async function readClaimed(result: ExecutionResult, readClaim: ClaimReader): Promise<ReadClaim[]> {
  const claimed = claimedIn(result);
  return Promise.all(
    [...claimChecksIn(result).values()].map((claim): Promise<ReadClaim> => {
      const json = claimed.get(idOf(claim.ref));
      if (json !== undefined) return Promise.resolve({ claim, json });
      // kept as what the page says instead of the data: the execution itself is still worth keeping
      return readClaim(claim.ref).then(
        (data) => ({ claim, data }),
        (error: Error) => ({ claim, error: error.message }),
      );
    }),
  );
}

/** A payload's bytes: as its claim check says, else as read (the engine keeps a payload in process without writing it out). */
const bytesOf = ({ claim, json, data }: ReadClaim): { bytes?: number } => {
  const bytes = claim.bytes ?? (json !== undefined ? Buffer.byteLength(json) : data?.length);
  return bytes === undefined ? {} : { bytes };
};

/** What the page shows of a payload read: its value, or why there is none. */
function keptOf(read: ReadClaim): KeptClaim {
  const { claim: { ref, count }, json, data, error } = read;
  const bytes = bytesOf(read);
  if (error !== undefined) return { ref, count, ...bytes, missing: error };
  try {
    return { ref, count, ...bytes, value: json === undefined ? parsePayload(Buffer.from(data!).toString('utf8')) : (JSON.parse(json) as unknown) };
  } catch (e) {
    return { ref, count, ...bytes, missing: `s3://${ref.bucket}/${ref.key} is neither JSON nor JSON Lines: ${(e as Error).message}` };
  }
}

/**
 * A payload read, as the store writes it (a KeptClaim's JSON): the engine's JSON text spliced in as the
 * value without parsing it and writing it again (the larger part of the store's time, measured).
 */
function keptText(read: ReadClaim): string {
  const { ref, count } = read.claim;
  return read.json === undefined ? JSON.stringify(keptOf(read)) : `{"ref":${JSON.stringify(ref)},"count":${count},"bytes":${bytesOf(read).bytes},"value":${read.json}}`;
}

/** The payloads an execution's claim checks point at, by s3 URL. */
export async function readClaims(result: ExecutionResult, readClaim: ClaimReader): Promise<Map<string, KeptClaim>> {
  const kept = (await readClaimed(result, readClaim)).map(keptOf);
  return new Map(kept.map((claim) => [claimUrl(claim.ref), claim]));
}

/** Bytes of an execution's trace and of the payloads kept with it (files written before sizes were recorded). */
async function sizeOnDisk(dir: string, id: string): Promise<number> {
  const claims = join(dir, `${id}.claims`);
  const payloads = await readdir(claims).catch(() => [] as string[]);
  const sizes = await Promise.all([join(dir, `${id}.json`), ...payloads.map((file) => join(claims, file))].map((path) => stat(path).then((s) => s.size, () => 0)));
  return sizes.reduce((sum, size) => sum + size, 0);
}

/**
 * A file written under another name and renamed into place: the inspector reads traces and payloads
 * while the store writes them, and must never see half of one. Returns its bytes.
 */
async function writeWhole(path: string, data: string | Buffer[]): Promise<number> {
  const partial = `${path}.partial`;
  const bytes = typeof data === 'string' ? Buffer.byteLength(data) : data.reduce((sum, piece) => sum + piece.length, 0);
  if (typeof data === 'string') await writeFile(partial, data);
  else {
    // one writev: the pieces, repeated ones too, as they are (never joined into one buffer)
    const file = await open(partial, 'w');
    try {
      const { bytesWritten } = await file.writev(data);
      if (bytesWritten !== bytes) throw new Error(`${partial}: ${bytesWritten} of ${bytes} bytes written`);
    } finally {
      await file.close();
    }
  }
  await rename(partial, path);
  return bytes;
}

/** How many MB of traces and their payloads a data folder keeps when the configuration says nothing. */
export const DEFAULT_KEEP_MB = 1024;

/** Traces written at once: each is a few files, and one at a time fell behind 1,600 events a second. */
const WRITERS = 4;
/**
 * Executions whose traces may wait to be written: beyond it an execution is listed without its trace, as
 * CloudWatch Logs drops what is over its throttle, instead of holding every waiting result in memory
 * (measured: 1,600 waiting held 1.1 GB at 5,000 events/s offered).
 */
export const MAX_BACKLOG = 200;

/**
 * Executions the list keeps: beyond it the oldest tenth goes, with its traces, and `executions.jsonl` is
 * written again without them. Each line is a few hundred bytes held in memory and read at every start: a
 * stack that runs for days at a thousand events a second must not grow them without end.
 */
export const MAX_LISTED = 100_000;

export interface StoreOptions {
  /** A pipeline's logLevel (default ALL): which of its executions keep their trace. */
  logLevel?: (pipeline: string) => LogLevel;
  /** The traces' budget in MB (default DEFAULT_KEEP_MB). */
  keepMb?: number;
  /** Executions listed at most (default MAX_LISTED). */
  maxListed?: number;
}

/** The store's options from a configuration: each pipeline's logLevel, the retention's budget. */
export function storeOptions(config: SluiceConfig): StoreOptions {
  return {
    logLevel: (pipeline) => config.pipelines[pipeline]?.logLevel ?? DEFAULT_LOG_LEVEL,
    ...(config.retention?.executionsMb ? { keepMb: config.retention.executionsMb } : {}),
  };
}

/**
 * Every execution the running stack ran, kept in the data folder for the inspector: its whole result
 * (trace, outputs, chunk executions) in `executions/<id>.json`, and a line per execution in
 * `executions.jsonl` to list and filter them without reading every trace. The payloads its claim checks
 * point at are copied to `executions/<id>.claims/<digest of the s3 URL>.json` when it is added: the work
 * bucket's objects expire, the page must still show the data. Beside the trace rather than inside it,
 * because one payload is usually both a state's output and the next state's input (kept once), and the
 * list and its search read traces that stay small.
 */
export class ExecutionStore implements ExecutionSource {
  private readonly entries: ExecutionEntry[] = [];
  /** The executions whose traces are on disk, oldest first, with their bytes: what retention deletes from. */
  private readonly traced: { id: string; status: string; bytes: number }[] = [];
  private tracedBytes = 0;
  /** Executions listed whose trace is still being written. */
  private readonly pending = new Set<string>();
  /** Writes running, and those waiting for a writer. */
  private writers = 0;
  private readonly waiting: (() => void)[] = [];
  /** Every write started so far, for flush(). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Retention runs one at a time, after the writes that grew the folder. */
  private pruning: Promise<void> = Promise.resolve();
  /** Lines appended to executions.jsonl, and its rewrites, one after another. */
  private listing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly options: StoreOptions,
  ) {}

  static async open(dataDir: string, options: StoreOptions = {}): Promise<ExecutionStore> {
    const store = new ExecutionStore(dataDir, options);
    await mkdir(join(dataDir, 'executions'), { recursive: true });
    // a line written again after a rewrite (its trace was still being written) replaces the first
    const byId = new Map<string, ExecutionEntry>();
    for (const entry of await readJsonLines<ExecutionEntry>(join(dataDir, 'executions.jsonl'))) {
      byId.delete(entry.id);
      byId.set(entry.id, entry);
    }
    store.entries.push(...byId.values());
    const files = await readdir(join(dataDir, 'executions'));
    const onDisk = new Set(files);
    // what a kill cut off while it was being written: a trace's `.partial`, and the payloads of a trace never
    // finished (they are written first, the trace last: a folder whose trace is there is whole)
    const cutOff = files.filter((name) => name.endsWith('.partial') || (name.endsWith('.claims') && !onDisk.has(`${name.slice(0, -'.claims'.length)}.json`)));
    for (const file of cutOff) await rm(join(dataDir, 'executions', file), { recursive: true, force: true });
    for (const entry of store.entries) {
      if (!onDisk.has(`${entry.id}.json`)) continue;
      // an entry written before traceBytes was recorded: its trace's size and its payloads'
      const bytes = entry.traceBytes ?? (await sizeOnDisk(join(dataDir, 'executions'), entry.id));
      store.traced.push({ id: entry.id, status: entry.status, bytes });
      store.tracedBytes += bytes;
    }
    // a folder over its budget (an older one, or a smaller budget) is brought under it
    void store.prunes();
    return store;
  }

  /**
   * Keeps an execution as its pipeline's logLevel says: at ALL its trace and claim-checked payloads; at
   * ERROR those of an execution that ended FAILED or BACKED_UP, at FATAL of one that FAILED, and the
   * list line alone for the others; at OFF nothing (as CloudWatch Logs would hold nothing). Then, over
   * the retention budget, the oldest traces are deleted, those of successful executions first.
   */
  add(result: ExecutionResult, { redrove, readClaim }: { redrove?: string; readClaim?: ClaimReader } = {}): Promise<void> {
    const level = this.options.logLevel?.(result.pipeline) ?? 'ALL';
    if (level === 'OFF') return Promise.resolve();
    const entry = entryOf(result, redrove);
    const { id } = entry;
    const wanted = level === 'ALL' || (level === 'ERROR' && entry.status !== 'SUCCEEDED') || (level === 'FATAL' && entry.status === 'FAILED');
    const keep = wanted && this.pending.size < MAX_BACKLOG;
    if (!wanted) entry.untraced = level;
    else if (!keep) entry.untraced = 'backlog';
    this.entries.push(entry);
    const line = (file: string) => appendFile(file, `${JSON.stringify(entry)}\n`);
    if (!keep) {
      // a list line alone, not queued behind the traces: nothing of the result is held
      const listed = this.changeList(line);
      return this.entries.length > (this.options.maxListed ?? MAX_LISTED) ? listed.then(() => this.prunes()) : listed;
    }
    this.pending.add(id);
    // read now, while the work bucket still holds them; written with the trace
    const claims = readClaim ? readClaimed(result, readClaim) : Promise.resolve([]);
    const done = this.writer(async () => {
      entry.traceBytes = await this.writeTrace(id, result, await claims);
      this.traced.push({ id, status: entry.status, bytes: entry.traceBytes });
      this.tracedBytes += entry.traceBytes;
      await this.changeList(line);
    }).finally(() => this.pending.delete(id));
    // the caller hears of a failed write (the executions after it are still written), and has retention run after its write
    return done.then(() => this.prunes());
  }

  /** Writes an execution's trace and the payloads it held; returns their bytes. */
  private async writeTrace(id: string, result: ExecutionResult, kept: ReadClaim[]): Promise<number> {
    let bytes = 0;
    if (kept.length > 0) await mkdir(join(this.dir, 'executions', `${id}.claims`), { recursive: true });
    for (const read of kept) {
      bytes += await writeWhole(join(this.dir, 'executions', `${id}.claims`, `${createHash('sha256').update(claimUrl(read.claim.ref)).digest('hex').slice(0, 32)}.json`), keptText(read));
    }
    return bytes + (await writeWhole(join(this.dir, 'executions', `${id}.json`), traceBytes(result)));
  }

  /** Runs a write once one of the WRITERS is free. */
  private writer(write: () => Promise<void>): Promise<void> {
    const turn = this.writers < WRITERS ? (this.writers++, Promise.resolve()) : new Promise<void>((resolve) => this.waiting.push(resolve));
    const done = turn.then(write).finally(() => {
      const next = this.waiting.shift();
      if (next) next();
      else this.writers--;
    });
    const tracked = done.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return done;
  }

  /** A change of executions.jsonl, after those before it. */
  private changeList(change: (file: string) => Promise<void>): Promise<void> {
    const done = this.listing.then(() => change(join(this.dir, 'executions.jsonl')));
    this.listing = done.catch(() => undefined);
    return done;
  }

  /** Retention after the writes so far, one run at a time. */
  private prunes(): Promise<void> {
    this.pruning = this.pruning.then(() => this.prune()).catch((error: Error) => void process.stderr.write(`sluice: executions over the retention budget not deleted: ${error.message}\n`));
    return this.pruning;
  }

  /** Resolves once every execution added so far is written (or failed to be), and retention has run after them. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    await this.pruning;
    await this.listing;
  }

  /**
   * Over `maxListed`, the oldest tenth of the list goes (but one still being written), with its traces, and
   * the list file is written again; then, while the traces exceed the budget, the oldest successful
   * execution's trace is deleted, else the oldest, until one is left.
   */
  private async prune(): Promise<void> {
    const listed = this.options.maxListed ?? MAX_LISTED;
    if (this.entries.length > listed) {
      // a tenth at once: the list is not written again at every add; one whose trace is being written stays
      const cut = this.entries.splice(0, this.entries.length - Math.floor(listed * 0.9));
      this.entries.unshift(...cut.filter((entry) => this.pending.has(entry.id)));
      const gone = new Set(cut.filter((entry) => !this.pending.has(entry.id)).map((entry) => entry.id));
      for (let i = this.traced.length - 1; i >= 0; i--) {
        if (!gone.has(this.traced[i]!.id)) continue;
        const [trace] = this.traced.splice(i, 1);
        this.tracedBytes -= trace!.bytes;
        await this.remove(trace!.id);
      }
      const kept = this.entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
      await this.changeList(async (file) => void (await writeWhole(file, kept)));
    }
    const budget = (this.options.keepMb ?? DEFAULT_KEEP_MB) * 2 ** 20;
    while (this.tracedBytes > budget && this.traced.length > 1) {
      const succeeded = this.traced.findIndex((t) => t.status === 'SUCCEEDED');
      const [gone] = this.traced.splice(succeeded === -1 ? 0 : succeeded, 1);
      this.tracedBytes -= gone!.bytes;
      await this.remove(gone!.id);
    }
  }

  /** An execution's trace and the payloads kept with it, deleted. */
  private async remove(id: string): Promise<void> {
    await rm(join(this.dir, 'executions', `${id}.json`), { force: true });
    await rm(join(this.dir, 'executions', `${id}.claims`), { recursive: true, force: true });
  }

  /** Why an execution's trace is not here, when it is not: what the page says in its place. */
  whyUntraced(entry: ExecutionEntry): string {
    if (this.pending.has(entry.id)) return 'its trace is being written: reload in a moment';
    if (entry.untraced === 'backlog') return `executions ended faster than their traces could be written (${MAX_BACKLOG} were waiting), so this one is listed without its trace, as CloudWatch Logs drops what is over its throttle`;
    if (entry.untraced) return `its pipeline logs at ${entry.untraced}: only the executions that ${entry.untraced === 'FATAL' ? 'failed' : 'failed or were backed up'} keep their trace (logLevel in the configuration)`;
    return `its trace was deleted under retention (retention.executionsMb, ${this.options.keepMb ?? DEFAULT_KEEP_MB} MB of traces kept, the oldest successful ones deleted first)`;
  }

  /** The claim-checked payloads kept with an execution, by s3 URL. */
  async claims(id: string): Promise<Map<string, KeptClaim>> {
    if (!/^[\w-]+$/.test(id)) return new Map();
    const dir = join(this.dir, 'executions', `${id}.claims`);
    const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => file.endsWith('.json'));
    // a payload that retention deleted between the listing and the read is no longer kept
    const kept = await Promise.all(files.map((file) => readFile(join(dir, file), 'utf8').then((text) => JSON.parse(text) as KeptClaim, () => undefined)));
    return new Map(kept.filter((claim) => claim !== undefined).map((claim) => [claimUrl(claim.ref), claim]));
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
      (e) =>
        (!filter.pipeline || e.pipeline === filter.pipeline) &&
        (!filter.workflow || e.workflow === filter.workflow) &&
        (!filter.status || e.status === filter.status) &&
        (filter.since === undefined || Date.parse(e.startedAt) >= filter.since) &&
        (filter.until === undefined || Date.parse(e.startedAt) <= filter.until),
    );
    const newest = [...matching].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    if (!filter.q) return newest.slice(0, limit);
    const q = filter.q;
    // an execution id is unique: found in the entries, without reading any trace
    const byId = newest.find((entry) => entry.id === q);
    if (byId) return [byId];
    const found: ExecutionEntry[] = [];
    for (const entry of newest) {
      if (found.length >= limit) break;
      if (entry.batchId?.includes(q)) found.push(entry);
      else if (entry.untraced) continue;
      else if ((await readFile(join(this.dir, 'executions', `${entry.id}.json`), 'utf8').catch(() => '')).includes(q)) found.push(entry);
      // a record of a batch over the claim-check threshold is only in the payloads kept with it
      else if ([...(await this.claims(entry.id)).values()].some((claim) => JSON.stringify(claim.value ?? '').includes(q))) found.push(entry);
    }
    return found;
  }
}
