import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { defaultConfig } from '../../config/default.ts';
import { drainStream } from '../../local/sources/kinesis-pipe.ts';
import { openStack } from '../../test/e2e/harness.ts';
import { audit } from '../audit.ts';
import type { Cell } from '../cell.ts';
import { redriveAll, summary } from '../executions.ts';

const PIPELINE = 's3-events-to-archive';
const CHILD = fileURLToPath(new URL('../kill-child.ts', import.meta.url));
/** The child is killed when its execution number `killAt` enters its deliver step (the 4th, or halfway through fewer batches). */
const killAtFor = (records: number) => Math.max(1, Math.min(4, Math.ceil(records / 500 / 2)));

/** Runs the child until its `killAt`-th execution is delivering, then SIGKILL; resolves with what it had said. */
function runAndKill(dataDir: string, records: number, cell: string): Promise<{ delivering: number; signal: string | null; said: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir, String(records), cell, PIPELINE], { stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    let delivering = 0;
    createInterface({ input: child.stderr }).on('line', (line) => {
      said += `${line}\n`;
      if (line === 'deliver') delivering++;
      if (delivering >= killAtFor(records) && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.once('error', reject);
    child.once('exit', (_code, signal) => resolve({ delivering, signal, said }));
  });
}

/**
 * `kill -9` of a run mid-way: a child process (its own embedded stack on a data folder) puts the events
 * on the S3 pipeline's stream and drains it in batches of 500; it is killed while its 4th execution
 * delivers (or one halfway through, for fewer than 8 batches). Then a stack opens on the same folder: what the ledger shows unfinished is redriven, and the
 * Pipe, whose checkpoint died with the child, reads the stream again from the start.
 */
export const kill9Cell: Cell = {
  name: 'kill-9-mid-run',
  async run(records, progress) {
    const dataDir = await mkdtemp(join(tmpdir(), 'sluice-faults-kill-'));
    try {
      const { delivering, signal, said } = await runAndKill(dataDir, records, kill9Cell.name);
      if (signal !== 'SIGKILL') throw new Error(`the child was not killed (signal ${signal}): ${said.slice(-500)}`);
      progress.phase('run', `child killed (${signal}) as execution ${delivering} was delivering`);
      const h = await openStack(defaultConfig, { dataDir });
      try {
        const { text } = await redriveAll(h.stack);
        progress.phase('redrive', text);
        const results = await drainStream(h.stack, PIPELINE, 500);
        progress.phase('drain', `the Pipe from the stream's start: ${summary(results)}`);
        const figures = await audit(h.stack, PIPELINE, kill9Cell.name, records);
        progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
        return figures;
      } finally {
        await h.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
