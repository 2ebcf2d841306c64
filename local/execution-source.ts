import type { ExecutionResult } from './engine.ts';
import type { ClaimCheck, Counts } from '../contracts/batch.ts';
import type { LogLevel } from '../contracts/config.ts';

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
  /**
   * The trace was not kept: the pipeline's logLevel (ERROR, FATAL) keeps only executions that went wrong, or
   * `backlog`: executions ended faster than their traces could be written, and the store let this one go.
   */
  untraced?: LogLevel | 'backlog';
  /** Bytes of the trace and the payloads kept with it, when they were kept. */
  traceBytes?: number;
}

export interface ExecutionFilter {
  pipeline?: string;
  workflow?: string;
  status?: string;
  /** Started at or after (epoch ms). */
  since?: number;
  /** Started at or before (epoch ms). */
  until?: number;
  /** A batch id, an execution id, or any text of the trace (a record id, an event id). */
  q?: string;
  limit?: number;
}

/** What a claim check of the execution pointed at, kept with it: the payload, or why it could not be read. */
export interface KeptClaim {
  ref: ClaimCheck['ref'];
  count: number;
  /** As its claim check says, else as read; unknown when it could not be read. */
  bytes?: number;
  value?: unknown;
  missing?: string;
}

/**
 * Where the inspector's executions come from: the data folder the local stack keeps (ExecutionStore), or
 * a deployed stack's log groups and ledger (inspect/log-group-executions.ts). The server knows only this.
 */
export interface ExecutionSource {
  /** Newest first, filtered; `q` matches an execution id, a batch id, or any text of the trace. */
  list(filter?: ExecutionFilter): Promise<ExecutionEntry[]>;
  get(id: string): Promise<ExecutionResult | undefined>;
  /** The payloads the execution's claim checks point at, by s3 URL (what the page shows in their place). */
  claims(id: string): Promise<Map<string, KeptClaim>>;
  /** Why a listed execution has no trace here (its pipeline's log level, retention), when the source can say. */
  whyUntraced?(entry: ExecutionEntry): string;
}
