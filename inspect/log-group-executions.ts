import { FilterLogEventsCommand, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import { Batch, type MachineName } from '../contracts/batch.ts';
import type { LedgerRow } from '../contracts/ledger.ts';
import type { ExecutionResult } from '../local/engine.ts';
import { entryOf } from '../local/execution-entry.ts';
import type { ExecutionEntry, ExecutionFilter, ExecutionSource, KeptClaim } from '../local/execution-source.ts';
import { readClaims, type ClaimReader } from '../local/execution-store.ts';
import { executionFromLogs } from './execution-from-logs.ts';
import { readExecutionLogEvent, type ExecutionLogEvent } from './execution-log-event.ts';

export type SendFilterLogEvents = (command: FilterLogEventsCommand) => Promise<Pick<FilterLogEventsCommandOutput, 'events' | 'nextToken'>>;

/** A state machine of the stack: the pipeline it serves, its workflow, and the log group its executions are logged to. */
export interface LoggedMachine {
  pipeline: string;
  workflow: MachineName;
  logGroupName: string;
}

export interface LogGroupExecutionsOptions {
  send: SendFilterLogEvents;
  machines: LoggedMachine[];
  /** How far back the list reaches, in milliseconds (the console's default: 3 hours). */
  windowMs: number;
  now?: () => number;
  /** The batch's ledger row: its status and kept input when the logs hold no data (log level ERROR). */
  ledgerRow?: (batchId: string) => Promise<LedgerRow | undefined>;
  /** Where a row's kept input is, as the backup step writes it: s3://<backup bucket>/<key> or ledger://<table>/<batch>. */
  keptAt?: (row: LedgerRow) => string | undefined;
  /** Log events read per group and list at most; a longer backlog is read on by the next lists. */
  maxEventsPerRead?: number;
  /** Reads a claim-checked payload from the stack's work bucket (its lifecycle rule keeps objects one day). */
  readClaim?: ClaimReader;
  /** Executions held in memory (with their logged text, for search) at most, the newest; an older one is still found by its id. */
  maxExecutions?: number;
}

/** CloudWatch Logs may deliver an event minutes after it happened: each pass reads this far back again (events are kept by id). */
const LATE_MS = 2 * 60_000;

interface Logged {
  machine: LoggedMachine;
  events: ExecutionLogEvent[];
  text: string[];
  keys: string[];
  built?: { result: ExecutionResult; entry: ExecutionEntry };
}

/**
 * A deployed stack's Express executions, read from their state machines' log groups with FilterLogEvents
 * (paged by nextToken) and joined to the batch's ledger row. FilterLogEvents rather than Logs Insights:
 * it answers at once (no query to start and poll), is not charged per GB scanned as Insights is, and a
 * pass can resume from its token; the list reads each group incrementally (what is new since the last
 * pass), so the page's reload every 5 s costs only the new events. An execution's page is served from
 * what was read, or found by its id as a filter term (any spelling of the fields matches a term).
 */
export class LogGroupExecutions implements ExecutionSource {
  private readonly executions = new Map<string, Logged>();
  private readonly seen = new Set<string>();
  private readonly cursors = new Map<string, { startTime: number; nextToken?: string; newest: number }>();
  private readonly rows = new Map<string, LedgerRow | undefined>();
  private readonly now: () => number;

  constructor(private readonly options: LogGroupExecutionsOptions) {
    this.now = options.now ?? Date.now;
  }

  private windowStart(): number {
    return this.now() - this.options.windowMs;
  }

  /** Keeps one log event; one read before (a pass reads the last minutes again) is not parsed twice. Returns its time. */
  private keep(machine: LoggedMachine, event: { eventId?: string; message?: string; timestamp?: number; logStreamName?: string }): number {
    const key = event.eventId ?? `${event.logStreamName}/${event.timestamp}/${event.message}`;
    if (this.seen.has(key)) return event.timestamp ?? 0;
    const logged = readExecutionLogEvent(event.message ?? '', `${machine.logGroupName} event ${event.eventId ?? '?'}`, event.timestamp);
    this.seen.add(key);
    let execution = this.executions.get(logged.executionArn);
    if (!execution) this.executions.set(logged.executionArn, (execution = { machine, events: [], text: [], keys: [] }));
    execution.events.push(logged);
    execution.text.push(event.message ?? '');
    execution.keys.push(key);
    delete execution.built;
    return logged.timestamp;
  }

  /** Reads what the group logged since the last pass, at most maxEventsPerRead events; the rest next time. */
  private async read(machine: LoggedMachine): Promise<void> {
    const start = this.windowStart();
    const cursor = this.cursors.get(machine.logGroupName) ?? { startTime: start, newest: start };
    const max = this.options.maxEventsPerRead ?? 10_000;
    let read = 0;
    do {
      const page = await this.options.send(new FilterLogEventsCommand({ logGroupName: machine.logGroupName, startTime: cursor.startTime, ...(cursor.nextToken ? { nextToken: cursor.nextToken } : {}) }));
      for (const event of page.events ?? []) cursor.newest = Math.max(cursor.newest, this.keep(machine, event));
      read += page.events?.length ?? 0;
      cursor.nextToken = page.nextToken;
      if (!cursor.nextToken) delete cursor.nextToken;
    } while (cursor.nextToken && read < max);
    // a finished pass: the next starts a little before the newest event seen, never before the window
    if (!cursor.nextToken) cursor.startTime = Math.max(start, cursor.newest - LATE_MS);
    this.cursors.set(machine.logGroupName, cursor);
  }

  /** Forgets what the window has left behind, then the oldest beyond maxExecutions. */
  private prune(): void {
    const start = this.windowStart();
    const first = (logged: Logged) => Math.min(...logged.events.map((e) => e.timestamp));
    const kept = [...this.executions].filter(([, logged]) => Math.max(...logged.events.map((e) => e.timestamp)) >= start).sort(([, a], [, b]) => first(b) - first(a));
    const keep = new Set(kept.slice(0, this.options.maxExecutions ?? 1_000).map(([arn]) => arn));
    for (const [arn, logged] of this.executions) {
      if (keep.has(arn)) continue;
      for (const key of logged.keys) this.seen.delete(key);
      this.executions.delete(arn);
    }
  }

  private async row(batchId: string): Promise<LedgerRow | undefined> {
    if (!this.options.ledgerRow) return undefined;
    // a settled row does not change but by a redrive, which is a new execution: STARTED ones are read again
    if (this.rows.has(batchId) && this.rows.get(batchId)?.status !== 'STARTED') return this.rows.get(batchId);
    const row = await this.options.ledgerRow(batchId);
    this.rows.set(batchId, row);
    return row;
  }

  private async build(arn: string, logged: Logged): Promise<NonNullable<Logged['built']>> {
    if (logged.built) return logged.built;
    const result = executionFromLogs(arn, logged.machine.pipeline, logged.machine.workflow, logged.events);
    const entry = entryOf(result);
    // an execution that ended before account or the input's backup (timed out, or still running): its batch from decode's output
    const decoded = result.events.find((e) => e.type === 'StateExited' && Batch.is(e.state?.output))?.state?.output as Batch | undefined;
    if (!entry.batchId && decoded) entry.batchId = decoded.batchId;
    const row = entry.batchId ? await this.row(entry.batchId) : undefined;
    if (row) {
      // what the logs lacked (no data at ERROR): the ledger's counts, status and kept input
      if (!entry.counts && row.counts) entry.counts = row.counts;
      if (entry.status === 'SUCCEEDED' && row.status === 'BACKED_UP') entry.status = 'BACKED_UP';
      const kept = this.options.keptAt?.(row);
      if (!entry.inputKey && entry.status !== 'SUCCEEDED' && kept) entry.inputKey = kept;
    }
    return (logged.built = { result, entry });
  }

  async list(filter: ExecutionFilter = {}): Promise<ExecutionEntry[]> {
    const machines = this.options.machines.filter((m) => (!filter.pipeline || m.pipeline === filter.pipeline) && (!filter.workflow || m.workflow === filter.workflow));
    for (const machine of machines) await this.read(machine);
    this.prune();
    const start = new Date(this.windowStart()).toISOString();
    const found: ExecutionEntry[] = [];
    for (const [arn, logged] of this.executions) {
      if (!machines.includes(logged.machine)) continue;
      const { entry } = await this.build(arn, logged);
      if (entry.startedAt < start || (filter.status && entry.status !== filter.status)) continue;
      const q = filter.q;
      if (q && !(entry.id === q || entry.batchId?.includes(q) || logged.text.some((text) => text.includes(q)))) continue;
      found.push(entry);
    }
    return found.sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, filter.limit ?? 200);
  }

  async get(id: string): Promise<ExecutionResult | undefined> {
    if (!/^[\w-]+$/.test(id)) return undefined;
    const cached = () => [...this.executions].find(([arn]) => arn.endsWith(`:${id}`));
    if (!cached()) {
      // not read yet (older than the window, or a link from elsewhere): its events by its id, over the group's retention
      for (const machine of this.options.machines) {
        let nextToken: string | undefined;
        do {
          const page = await this.options.send(new FilterLogEventsCommand({ logGroupName: machine.logGroupName, filterPattern: `"${id}"`, ...(nextToken ? { nextToken } : {}) }));
          for (const event of page.events ?? []) this.keep(machine, event);
          nextToken = page.nextToken;
        } while (nextToken);
        if (cached()) break;
      }
    }
    const found = cached();
    return found ? (await this.build(found[0], found[1])).result : undefined;
  }

  /** An execution's claim-checked payloads, read from the work bucket. */
  async claims(id: string): Promise<Map<string, KeptClaim>> {
    const result = this.options.readClaim ? await this.get(id) : undefined;
    return result && this.options.readClaim ? readClaims(result, this.options.readClaim) : new Map();
  }
}
