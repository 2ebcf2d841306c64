#!/usr/bin/env node
// The CLI is TypeScript run through tsx: no build step between a clone and `npx sluice`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const NEEDED = 22;
const major = Number(process.versions.node.split('.')[0]);

if (major >= NEEDED) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
} else {
  // an older `node` on the PATH: hand over to the Node 22 that `npm install` brought (the "node" package)
  const pinned = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    console.error(`sluice: needs Node ${NEEDED} or newer (this is Node ${process.versions.node}): run \`npm install\`, then \`npx sluice\``);
    process.exit(2);
  }
  // V8 and Node flags given to this node (e.g. --max-semi-space-size) go to the one that runs the CLI;
  // a debugger's port stays with this one (two processes cannot listen on it)
  const flags = process.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag));
  const child = spawn(pinned, [...flags, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal itself (same process group): forwarding it would be a second one
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    else process.exit(code ?? 1);
  });
}
