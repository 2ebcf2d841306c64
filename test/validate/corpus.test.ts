import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../validate/check.ts';
import type { Finding } from '../../validate/finding.ts';
import { definitionsIn } from '../../validate/sources.ts';
import { synth } from '../infra/synth.ts';

const corpus = '../shared/corpus/asl-real';
const files = readdirSync(corpus, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((dir) => readdirSync(join(corpus, dir.name)).filter((name) => name.endsWith('.json')).map((name) => join(corpus, dir.name, name)));

describe('sluice validate on 240 public definitions (aws profile)', () => {
  it('checks every file without crashing, rejects only the malformed one, and finds the real defects', async () => {
    expect(files).toHaveLength(240);
    const byFile = new Map<string, Finding[]>();
    for (const file of files) for (const source of (await definitionsIn(file, 'STANDARD')).definitions) byFile.set(file, check(source, 'aws'));
    const all = [...byFile.entries()].flatMap(([file, findings]) => findings.map((f) => ({ file, ...f })));
    expect(all.filter((f) => f.rule === 'internal')).toStrictEqual([]);
    // the one error: "QueryLanguage" put inside States, which no deploy accepts
    expect(all.filter((f) => f.severity === 'error').map((f) => [f.file.split('/').pop(), f.state])).toStrictEqual([['shared-fallback-state-jsonata__statemachine__statemachine.asl.json', 'QueryLanguage']]);
    // findings per rule and severity: on the 239 deployable definitions, warnings only
    const tally: Record<string, number> = {};
    for (const f of all) tally[`${f.rule} ${f.severity}`] = (tally[`${f.rule} ${f.severity}`] ?? 0) + 1;
    expect(tally).toStrictEqual({
      'wait-for-token-no-timeout warning': 35,
      'retry-schedule-long warning': 25,
      'choice-no-default warning': 9,
      'path-without-dollar-key warning': 1,
      'asl-validator-failed warning': 1,
      'asl-schema error': 1,
    });
    expect(all.some((f) => f.rule === 'retry-schedule-long' && /can wait 6\d\.\d days/.test(f.message))).toBe(true);
    expect(all.find((f) => f.rule === 'path-without-dollar-key')).toMatchObject({ file: expect.stringContaining('sfn-log-export'), state: 'QueryExportStatus' });
    // 240 files through the duration analysis: 23 s alone, past the 60 s default beside a loaded machine (a guard against a hang, not a speed target)
  }, 240_000);
});

describe('sluice validate on a CDK template', () => {
  it("finds every state machine of sluice's own synthesized template, each EXPRESS, and finds nothing wrong in them (sluice profile)", async () => {
    const template = synth().template;
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-template-')), 'Sluice.template.json');
    writeFileSync(file, JSON.stringify(template));
    const { definitions: machines, unchecked } = await definitionsIn(file, 'STANDARD');
    expect(unchecked).toStrictEqual([]);
    expect(machines.length).toBeGreaterThanOrEqual(6);
    expect(machines.every((m) => m.type === 'EXPRESS')).toBe(true);
    expect(machines.flatMap((m) => check(m, 'sluice'))).toStrictEqual([]);
  });
});
