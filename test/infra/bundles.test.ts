import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../infra/constructs/task-function.ts';
import { synth, type Synthesized } from './synth.ts';

/** Minified size budget per Lambda bundle, AWS SDK excluded. */
const BUDGET_KB = 250;
/**
 * deliver carries every sink's library: the official OpenSearch client (about 270 KB with its json11
 * dependency) and the Parquet writer (about 60 KB). Over the target, known and bounded here; loaded
 * when a sink of that kind delivers, so they cost bytes, not initialisation time.
 */
const BUDGETS_KB: Record<string, number> = { Deliver: 460 };

let s: Synthesized;
beforeAll(() => {
  s = synth();
}, 120_000);
afterAll(() => s.remove());

function bundles() {
  return s
    .resources('AWS::Lambda::Function')
    .filter(([, fn]) => fn.Properties.Description?.startsWith('sluice'))
    .map(([id, fn]) => {
      const file = join(s.outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`, 'index.js');
      const name = /^(?:Tasks)?(\w+?)(?:Bridge)?Function[0-9A-F]{8}$/.exec(id)?.[1] ?? id;
      return { id, name: id.includes('Bridge') ? 'FirehoseBridge' : name, file };
    });
}

/** Milliseconds to load the bundle in a fresh Node process (module initialisation, as at a cold start). */
function initMs(file: string): number {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(file)}); console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, NODE_PATH: join(PROJECT_ROOT, 'node_modules') }, encoding: 'utf8' });
  return Number(out.trim());
}

describe('Lambda bundles', () => {
  it('stay within their size budget; sizes and initialisation times printed', () => {
    const rows = bundles().map(({ name, file }) => ({ name, kb: statSync(file).size / 1024, ms: initMs(file) }));
    const seen = new Set<string>();
    console.log(['bundle            size KB  init ms', ...rows.filter((r) => !seen.has(r.name) && seen.add(r.name)).map((r) => `${r.name.padEnd(16)} ${r.kb.toFixed(1).padStart(8)} ${r.ms.toFixed(1).padStart(8)}`)].join('\n'));
    // six tasks, two bridges, the sweep
    expect(rows.length).toBe(9);
    for (const row of rows) {
      expect(row.kb, `${row.name} is ${row.kb.toFixed(1)} KB`).toBeLessThan(BUDGETS_KB[row.name] ?? BUDGET_KB);
    }
  });

  it('bundles the configuration the app was synthesized from, not the environment', () => {
    const file = bundles()[0]!.file;
    const text = execFileSync(process.execPath, ['-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'))`], { encoding: 'utf8' });
    expect(text).toContain('s4-events-processed');
  });
});
