import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';

const dir = mkdtempSync(join(tmpdir(), 'sluice-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sluice start, when something fails that nothing in the stack answers for', () => {
  it('says what failed and stops as on SIGTERM (the ledger and the buffers kept), exit 1, instead of dying where it stands', async () => {
    // a failure injected into the process: a promise rejected with nobody to catch it, on SIGUSR2
    const preload = join(dir, 'reject-on-usr2.mjs');
    writeFileSync(preload, "process.on('SIGUSR2', () => void Promise.reject(new Error('injected: nobody catches this')));\n");
    const child = spawn(process.execPath, ['--import', preload, 'bin/sluice.mjs', 'start', '--data-dir', join(dir, 'data'), '--port', '0', '--quiet']);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const end = Date.now() + 60_000;
    while (!out.includes('"ready":true')) {
      if (Date.now() > end) throw new Error(`not ready: ${err}`);
      await sleep(100);
    }
    child.kill('SIGUSR2');
    expect(await exited).toBe(1);
    expect(err).toContain('sluice: unexpected failure, stopping: Error: injected: nobody catches this');
    expect(err).toContain('sluice: failure: intake closed, waiting for executions in flight');
    expect(err).toContain('sluice: stopped');
  }, 90_000);
});
