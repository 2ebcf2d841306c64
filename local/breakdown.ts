import type { TaskName } from '../contracts/timing.ts';
import { TASKS } from '../contracts/timing.ts';
import { s3Claims } from '../tasks/shared/claim-check.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import type { TaskObserver } from './engine.ts';

const PARTS = ['engine', ...TASKS, 'claimChecks', 's3', 'dynamodb'] as const;
type Part = (typeof PARTS)[number];

/** The DynamoDB document client's commands, by the operation each sends. */
const DOCUMENT_OPERATIONS: Record<string, string> = { Put: 'PutItem', Get: 'GetItem', Update: 'UpdateItem', Delete: 'DeleteItem', BatchWrite: 'BatchWriteItem', BatchGet: 'BatchGetItem', TransactWrite: 'TransactWriteItems', TransactGet: 'TransactGetItems' };

/** The operation a command sends, as the service names it: `PutObject`, `UpdateItem` (the document client's `Update`). */
export function operationOf(command: unknown): string {
  const name = (command as object | undefined)?.constructor?.name.replace(/Command$/, '') ?? 'unknown';
  return DOCUMENT_OPERATIONS[name] ?? name;
}

/** A client whose `send` is timed and counted by operation; everything else (config, middleware) is the client's own. */
function timedClient<C extends { send: (...args: never[]) => Promise<unknown> }>(client: C, service: string, timed: <R>(work: () => Promise<R>) => Promise<R>, count: (operation: string) => void): C {
  const send = (...args: Parameters<C['send']>) => {
    count(`${service}.${operationOf(args[0])}`);
    return timed(() => (client.send as (...a: unknown[]) => Promise<unknown>)(...args));
  };
  return Object.create(client, { send: { value: send } }) as C;
}

/**
 * Where the local engine's executions spend their time, as shares of the time their state machines ran:
 * each task's own time, its claim-check loads and stores, its S3 and DynamoDB requests (s3rver and
 * dynalite answer in this process, so their work is in these), and the engine's (the time of the
 * executions outside any task). Wall time: with executions in flight together, time waiting for the one
 * thread counts where the wait happened.
 */
export class Breakdown implements TaskObserver {
  private readonly ms = new Map<Part, number>();
  private executionMs = 0;
  private taskMs = 0;
  private executions = 0;
  /** Requests the tasks sent, by `service.Operation`. */
  private readonly operations = new Map<string, number>();
  private readonly count = (operation: string) => void this.operations.set(operation, (this.operations.get(operation) ?? 0) + 1);

  private add(part: Part, ms: number): void {
    this.ms.set(part, (this.ms.get(part) ?? 0) + ms);
  }

  /** An execution's state machine ran this long (not counting the children it waits for afterwards). */
  executionRan(ms: number): void {
    this.executionMs += ms;
    this.executions++;
  }

  /**
   * Runs a task with a context whose claim store and clients are timed; the task keeps the rest. Requests
   * a task makes at once overlap: they share the time they covered together, in proportion to their own.
   */
  async task<T>(task: TaskName, ctx: TaskContext, run: (ctx: TaskContext) => Promise<T>): Promise<T> {
    const own = new Map<Part, number>();
    let active = 0;
    let coveredSince = 0;
    let covered = 0;
    const timed =
      (part: Part) =>
      async <R>(work: () => Promise<R>): Promise<R> => {
        const started = performance.now();
        if (active++ === 0) coveredSince = started;
        try {
          return await work();
        } finally {
          const ended = performance.now();
          own.set(part, (own.get(part) ?? 0) + ended - started);
          if (--active === 0) covered += ended - coveredSince;
        }
      };
    const claims = ctx.claims ?? s3Claims(ctx);
    const claimTime = timed('claimChecks');
    const instrumented: TaskContext = {
      ...ctx,
      s3: timedClient(ctx.s3, 's3', timed('s3'), this.count),
      ddb: timedClient(ctx.ddb, 'dynamodb', timed('dynamodb'), this.count),
      claims: {
        put: (ref, value) => claimTime(() => claims.put(ref, value)),
        get: (ref) => claimTime(() => claims.get(ref)),
        ...(claims.kept ? { kept: claims.kept.bind(claims) } : {}),
      },
    };
    const started = performance.now();
    try {
      return await run(instrumented);
    } finally {
      const ms = performance.now() - started;
      const inner = [...own.values()].reduce((a, b) => a + b, 0);
      for (const [part, partMs] of own) this.add(part, inner > 0 ? (partMs / inner) * covered : 0);
      this.taskMs += ms;
      this.add(task, ms - covered);
    }
  }

  /**
   * `executions=… engine=…% decode=…% … dynamodb=…%` (shares of the executions' time) since the last take, and
   * the requests per execution by operation; starts again.
   */
  take(): { line: string; requestsPerExecution: Map<string, number> } {
    this.ms.set('engine', Math.max(0, this.executionMs - this.taskMs));
    const total = [...this.ms.values()].reduce((a, b) => a + b, 0) || 1;
    const line = `executions=${this.executions} ${PARTS.map((part) => `${part}=${(((this.ms.get(part) ?? 0) / total) * 100).toFixed(1)}%`).join(' ')}`;
    const requestsPerExecution = new Map([...this.operations].sort(([a], [b]) => a.localeCompare(b)).map(([operation, n]) => [operation, n / Math.max(1, this.executions)]));
    this.ms.clear();
    this.operations.clear();
    this.executionMs = this.taskMs = this.executions = 0;
    return { line, requestsPerExecution };
  }
}
