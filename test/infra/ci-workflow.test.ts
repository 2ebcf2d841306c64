import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const workflow = parse(readFileSync(new URL('.github/workflows/ci.yml', root), 'utf8'));
const cdkOut: string = JSON.parse(readFileSync(new URL('cdk.json', root), 'utf8')).output;
const jobs = Object.entries<any>(workflow.jobs);
const steps = jobs.flatMap(([, job]) => job.steps as any[]);

/** The first major of each action that runs on Node.js 24 (the earlier ones run on the deprecated Node.js 20). */
const NODE24_MAJOR: Record<string, number> = { 'actions/checkout': 5, 'actions/setup-node': 5, 'actions/upload-artifact': 6 };

describe('the CI workflow', () => {
  it('reads the repository and nothing more', () => {
    expect(workflow.permissions).toStrictEqual({ contents: 'read' });
    for (const [, job] of jobs) expect(job.permissions).toBeUndefined();
  });

  it('bounds every job in time and cancels a run superseded on the same ref', () => {
    for (const [, job] of jobs) expect(job['timeout-minutes']).toBeGreaterThan(0);
    expect(workflow.concurrency.group).toContain('${{ github.ref }}');
    expect(workflow.concurrency['cancel-in-progress']).toBe(true);
  });

  it('keeps the synthesized templates as an artifact', () => {
    const synthesis = steps.findIndex((step) => step.run === 'npm run synth');
    const upload = steps.findIndex((step) => step.uses?.startsWith('actions/upload-artifact@'));
    expect(synthesis).toBeGreaterThanOrEqual(0);
    expect(upload).toBeGreaterThan(synthesis);
    expect(steps[upload].with.path).toBe(`${cdkOut}/*.template.json`);
    expect(steps[upload].with['if-no-files-found']).toBe('error');
  });

  it('uses only actions that run on Node.js 24', () => {
    const used = steps.filter((step) => step.uses).map((step) => step.uses as string);
    expect(used.length).toBeGreaterThan(0);
    for (const action of used) {
      const [name, version] = action.split('@') as [string, string];
      expect(NODE24_MAJOR[name], action).toBeDefined();
      expect(Number(version.replace(/^v/, '')), action).toBeGreaterThanOrEqual(NODE24_MAJOR[name]!);
    }
  });
});
