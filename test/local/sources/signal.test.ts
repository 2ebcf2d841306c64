import { describe, expect, it } from 'vitest';
import { Signal } from '../../../local/sources/signal.ts';

describe('the signal a lane of the local Pipe waits on', () => {
  it('wakes every waiter at once, and a wait that timed out leaves nothing behind (an idle lane waits again every poll)', async () => {
    const signal = new Signal();
    for (let i = 0; i < 50; i++) await signal.wait(1);
    expect(signal.waiting).toBe(0);
    let woken = 0;
    const waits = [signal.wait(60_000), signal.wait(60_000)].map((wait) => wait.then(() => woken++));
    expect(signal.waiting).toBe(2);
    signal.notify();
    await Promise.all(waits);
    expect(woken).toBe(2);
    expect(signal.waiting).toBe(0);
  });
});
