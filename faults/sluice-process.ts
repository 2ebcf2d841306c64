import { spawn, type ChildProcess } from 'node:child_process';
import type { WriteStream } from 'node:fs';
import { seeded } from './batches.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** A `sluice start` child process, once it said it is ready. */
export interface SluiceProcess {
  child: ChildProcess;
  endpoints: Record<string, string>;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/**
 * Starts `sluice start` on a data folder, as a user runs it, its stdout and stderr into `log` (the stream
 * writing `logFile`; each line marked with `n`, the how-many-th start it is); resolves at its `{"ready":true,…}` line, rejects if it
 * exits before.
 */
export async function startSluice(options: { dataDir: string; configFile: string; log: WriteStream; logFile: string; n: number }): Promise<SluiceProcess> {
  const { dataDir, configFile, log, logFile, n } = options;
  const child = spawn(process.execPath, ['bin/sluice.mjs', 'start', '--data-dir', dataDir, '--port', '0', '--config', configFile, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => log.write(chunk.toString().replace(/^/gm, `[stack ${n} err] `)));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let out = '';
  const ready = await new Promise<{ endpoints: Record<string, string> }>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      log.write(chunk.toString().replace(/^/gm, `[stack ${n} out] `));
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{') && l.includes('"ready"'));
      if (line && out.includes('\n')) resolve(JSON.parse(line));
    });
    void exited.then((e) => reject(new Error(`sluice start exited ${e.code ?? e.signal} before ready (see ${logFile})`)));
  });
  return { child, endpoints: ready.endpoints, exited };
}

/**
 * Stops a `sluice start` at a moment a crash fuzz chose: SIGKILL, or (`graceful`) SIGTERM and then SIGKILL
 * `wait()` ms later unless it exited by then; resolves once it exited, saying which it was.
 */
export async function stopAbruptly(running: SluiceProcess, graceful: boolean, wait: () => number): Promise<string> {
  let how = 'SIGKILL';
  if (graceful) {
    running.child.kill('SIGTERM');
    const ms = wait();
    await Promise.race([sleep(ms), running.exited]);
    if (running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGKILL');
      how = `SIGTERM, SIGKILL ${ms.toFixed(0)} ms later`;
    } else how = `SIGTERM, exited before the SIGKILL (${ms.toFixed(0)} ms)`;
  } else running.child.kill('SIGKILL');
  await running.exited;
  return how;
}

/** The options both crash fuzzes take (faults/crash-restart.ts, faults/firehose-crash-restart.ts), each adding its own. */
export const CRASH_OPTIONS = {
  rounds: { type: 'string', default: '6' },
  seed: { type: 'string', default: String(Date.now() % 100_000) },
  malformed: { type: 'string', default: '5' },
  keep: { type: 'boolean', default: false },
  'data-dir': { type: 'string' },
} as const;

/**
 * What a crash fuzz's parsed options say: the rounds, the rate, the share of malformed events, and two random
 * streams from its --seed: the rounds' schedule (how long to produce, when to kill, how) repeats with the seed
 * whatever the machine's speed; `random` decides which events are malformed, which depends on how many were
 * sent before.
 */
export function crashSettings(args: { rounds?: string; rate?: string; malformed?: string; seed?: string }) {
  const schedule = seeded(Number(args.seed));
  return {
    rounds: Number(args.rounds),
    rate: Number(args.rate),
    malformed: Number(args.malformed),
    schedule,
    random: seeded(Number(args.seed) ^ 0x5bd1e995),
    between: (a: number, b: number) => a + schedule() * (b - a),
  };
}
