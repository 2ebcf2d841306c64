/** Wakes whoever waits on it (a lane for new records, the reader for room), or lets them wait at most `ms`. */
export class Signal {
  private readonly waiters = new Set<() => void>();
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        // a wait that timed out leaves nothing behind: an idle lane waits again every poll
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** How many wait now. */
  get waiting(): number {
    return this.waiters.size;
  }
}
