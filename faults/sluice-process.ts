import { spawn, type ChildProcess } from 'node:child_process';
import type { WriteStream } from 'node:fs';

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
