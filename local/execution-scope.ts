import { AsyncLocalStorage } from 'node:async_hooks';

interface Scope {
  /** Time the execution would have spent in the Wait states the engine skips. */
  skippedMs: number;
  /** Executions this one started (an S3 object's chunk executions), to wait for. */
  children: Promise<unknown>[];
  /** Claim checks this execution keeps in process (see MemoryClaims). */
  claims: Set<string>;
  active: number;
  queue: (() => void)[];
}

/**
 * What belongs to one execution on the local engine, whatever task of it is running: its clock, on which
 * the waits the engine skips still count (so deliver's retry duration and the loop's elapsed-time guard
 * see them pass as on AWS), and the executions it started, at most `limit` at a time.
 */
export class ExecutionScope {
  private readonly scopes = new AsyncLocalStorage<Scope>();

  readonly now = (): number => Date.now() + (this.scopes.getStore()?.skippedMs ?? 0);

  /** Runs one execution with a scope of its own; `children` fills as it starts executions. */
  run<T>(execution: () => T): { value: T; children: Promise<unknown>[]; claims: Set<string> } {
    const scope: Scope = { skippedMs: 0, children: [], claims: new Set(), active: 0, queue: [] };
    return { value: this.scopes.run(scope, execution), children: scope.children, claims: scope.claims };
  }

  /** The claim checks the running execution keeps; undefined outside any execution. */
  readonly claims = (): Set<string> | undefined => this.scopes.getStore()?.claims;

  skip(seconds: number): void {
    const scope = this.scopes.getStore();
    if (scope && seconds > 0) scope.skippedMs += seconds * 1000;
  }

  /** Starts `child` (not waiting for it) once fewer than `limit` children of this execution are running. */
  start(limit: number, child: () => Promise<unknown>): void {
    const scope = this.scopes.getStore();
    if (!scope) throw new Error('a child execution can only be started from within an execution');
    // a slot is taken when granted, not when the child begins: children asked for at once must queue
    const slot = new Promise<void>((resolve) => {
      if (scope.active < limit) {
        scope.active++;
        resolve();
      } else {
        scope.queue.push(resolve);
      }
    });
    const started = slot.then(async () => {
      try {
        return await child();
      } finally {
        const next = scope.queue.shift();
        if (next) next();
        else scope.active--;
      }
    });
    scope.children.push(started);
  }
}
