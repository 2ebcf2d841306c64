import type { ExecutionResult } from './engine.ts';
import type { ExecutionEntry, ExecutionFilter, KeptClaim } from './execution-store.ts';

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
