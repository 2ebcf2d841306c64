import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/task-function.ts';
import { synth, type Synthesized } from './synth.ts';

/** Size budget of what a cold start loads (the entry chunk and what it imports statically), AWS SDK excluded. */
const BUDGET_KB = 250;
/** Fresh processes per bundle: initialisation is reported as their median. */
const RUNS = 5;

let s: Synthesized;
beforeAll(() => {
  s = synth();
  // the bundles import the AWS SDK, which Lambda's runtime provides: here, the project's copy
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(s.outdir, 'node_modules'));
}, 120_000);
afterAll(() => s.remove());

function bundles() {
  return s
    .resources('AWS::Lambda::Function')
    .filter(([, fn]) => fn.Properties.Description?.startsWith('sluice'))
    .map(([id, fn]) => {
      const file = join(s.outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'index.mjs');
      const name = /^(?:Tasks)?(\w+?)(?:Bridge)?Function[0-9A-F]{8}$/.exec(id)?.[1] ?? id;
      return { id, name: id.includes('Bridge') ? 'FirehoseBridge' : name, file, handler: fn.Properties.Handler as string };
    });
}

/** The entry chunk and every chunk it imports statically, transitively: what a cold start reads. */
function coldChunks(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  // static imports only: `from"./x.mjs"` or `import"./x.mjs"`; `import("./x.mjs")` is loaded on first use
  for (const [, chunk] of readFileSync(file, 'utf8').matchAll(/(?:from|import)"\.\/([\w.-]+\.mjs)"/g)) coldChunks(join(dirname(file), chunk!), seen);
  return seen;
}

const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Module initialisation in fresh Node processes, as at a cold start: the AWS SDK modules the cold chunks
 * import (Lambda's runtime provides them, loading them is still part of Init Duration), then the bundle.
 */
function initMs(file: string): { sdk: number; own: number } {
  const sdk = [...new Set([...coldChunks(file)].flatMap((chunk) => [...readFileSync(chunk, 'utf8').matchAll(/(?:from|import)"(@aws-sdk\/[\w/-]+)"/g)].map((m) => m[1]!)))];
  const script = `const t0 = performance.now(); for (const m of ${JSON.stringify(sdk)}) await import(m); const t1 = performance.now(); await import(${JSON.stringify(file)}); console.log(JSON.stringify({ sdk: t1 - t0, own: performance.now() - t1 }));`;
  const runs = Array.from({ length: RUNS }, () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dirname(file), encoding: 'utf8' })) as { sdk: number; own: number });
  return { sdk: median(runs.map((r) => r.sdk)), own: median(runs.map((r) => r.own)) };
}

const kb = (files: Iterable<string>) => [...files].reduce((sum, f) => sum + statSync(f).size, 0) / 1024;

describe('Lambda bundles', () => {
  it('load at most 250 KB at a cold start; sizes and initialisation times printed', () => {
    const rows = bundles().map((b) => ({ ...b, cold: kb(coldChunks(b.file)), upload: kb(readdirSync(dirname(b.file)).map((f) => join(dirname(b.file), f))) }));
    const seen = new Set<string>();
    const unique = rows.filter((r) => !seen.has(r.name) && seen.add(r.name));
    const lines = unique.map((r) => {
      const { sdk, own } = initMs(r.file);
      return `${r.name.padEnd(16)} ${r.cold.toFixed(1).padStart(7)} ${r.upload.toFixed(1).padStart(9)} ${own.toFixed(1).padStart(8)} ${sdk.toFixed(1).padStart(8)}`;
    });
    console.log(
      [
        `bundle           cold KB  upload KB  init ms   SDK ms   (median of ${RUNS} fresh processes; init: the bundle's own code; SDK: the AWS SDK modules it imports, from node_modules here, from the runtime on Lambda)`,
        ...lines,
      ].join('\n'),
    );
    // six tasks, two bridges, the sweep, the ingest API's kinesis route
    expect(rows.length).toBe(10);
    for (const row of rows) {
      expect(row.handler).toBe('index.handler');
      expect(row.cold, `${row.name} loads ${row.cold.toFixed(1)} KB at a cold start`).toBeLessThan(BUDGET_KB);
    }
  }, 120_000);

  it('every chunk, the lazily loaded ones too, evaluates as an ES module', () => {
    const deliver = bundles().find((b) => b.name === 'Deliver')!;
    const chunks = readdirSync(dirname(deliver.file)).filter((f) => f.endsWith('.mjs'));
    // the sink libraries are chunks of their own, not in what a cold start loads
    expect(chunks.length).toBeGreaterThan(coldChunks(deliver.file).size);
    const script = `for (const f of ${JSON.stringify(chunks)}) await import('./' + f); console.log('ok');`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dirname(deliver.file), encoding: 'utf8' }).trim()).toBe('ok');
  });

  it('bundles the configuration the app was synthesized from, not the environment', () => {
    const file = bundles()[0]!.file;
    expect(readFileSync(file, 'utf8')).toContain('s4-events-processed');
  });
});
