import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The clock of executions whose Wait states the local engine skips: the time an execution would have
 * spent waiting is added to its own clock, so deliver's retry duration and the loop's elapsed-time guard
 * see the waits as they pass on AWS. Each execution counts its own skipped time.
 */
export class SkippedTime {
  private readonly skipped = new AsyncLocalStorage<{ ms: number }>();

  readonly now = (): number => Date.now() + (this.skipped.getStore()?.ms ?? 0);

  /** Runs one execution with a clock of its own. */
  run<T>(execution: () => T): T {
    return this.skipped.run({ ms: 0 }, execution);
  }

  skip(seconds: number): void {
    const store = this.skipped.getStore();
    if (store && seconds > 0) store.ms += seconds * 1000;
  }
}
