import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const bin = fileURLToPath(new URL('bin/sluice.mjs', root));
const workflow = parse(readFileSync(new URL('examples/github-actions/validate-state-machines.yml', root), 'utf8'));
const job = (name: string) => workflow.jobs[name] as { permissions?: Record<string, string>; steps: { run?: string; uses?: string; if?: string; with?: Record<string, string> }[] };
const runs = (name: string) => job(name).steps.flatMap((step) => (step.run ? [step.run] : []));

/** A template as `cdk synth` writes one: a STANDARD machine whose DefinitionString is an Fn::Join, with a Choice without Default on line 3. */
const TEMPLATE = `{"Resources": {"Flow": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": {"Fn::Join": ["", [
"{\\"StartAt\\":\\"Pick\\",\\"States\\":{",
"\\"Pick\\":{\\"Type\\":\\"Choice\\",\\"Choices\\":[{\\"Variable\\":\\"$.x\\",\\"StringEquals\\":\\"a\\",\\"Next\\":\\"Work\\"}]},",
"\\"Work\\":{\\"Type\\":\\"Task\\",\\"Resource\\":\\"", {"Fn::GetAtt": ["Fn", "Arn"]}, "\\",\\"TimeoutSeconds\\":10,\\"End\\":true}}}"
]]}}}}}
`;

/** A validate command of the workflow, run as the runner's shell would: in a folder where cdk.out holds one template, its redirection honoured. */
function runInCdkApp(command: string) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-gha-'));
  mkdirSync(join(dir, 'cdk.out'));
  writeFileSync(join(dir, 'cdk.out', 'App.template.json'), TEMPLATE);
  const [, args, target] = /^npx sluice (validate .*?)(?: > (\S+))?$/.exec(command)!;
  const argv = args!.split(' ').map((arg) => (arg === 'cdk.out/*.template.json' ? 'cdk.out/App.template.json' : arg));
  const run = spawnSync(process.execPath, [bin, ...argv], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (target) writeFileSync(join(dir, target), run.stdout);
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the GitHub Actions example (examples/github-actions/validate-state-machines.yml)', () => {
  it('synthesizes before it validates, and validates what cdk synth writes (cdk.out, the CDK default)', () => {
    for (const name of ['code-scanning', 'annotations']) {
      const commands = runs(name);
      const synth = commands.findIndex((run) => run.startsWith('npx cdk synth'));
      const validate = commands.findIndex((run) => run.startsWith('npx sluice validate cdk.out/*.template.json '));
      expect(synth, name).toBeGreaterThanOrEqual(0);
      expect(validate, name).toBeGreaterThan(synth);
    }
  });

  it('its sarif command runs as the CLI has it, and writes SARIF 2.1.0 that points at the template and line; the upload takes that file even when validate failed', () => {
    const command = runs('code-scanning').find((run) => run.includes('--format sarif'))!;
    expect(command).toMatch(/ > sluice\.sarif$/);
    const result = runInCdkApp(command);
    expect(result.code).toBe(0);
    const sarif = JSON.parse(result.stdout);
    expect(sarif).toMatchObject({ version: '2.1.0', $schema: expect.stringContaining('sarif-2.1.0') });
    expect(sarif.runs[0].results).toMatchObject([{ ruleId: 'choice-no-default', level: 'warning', locations: [{ physicalLocation: { artifactLocation: { uri: 'cdk.out/App.template.json' }, region: { startLine: 3 } } }] }]);
    const upload = job('code-scanning').steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'))!;
    expect(upload.with?.sarif_file).toBe('sluice.sarif');
    expect(upload.if).toContain('!cancelled()');
    expect(job('code-scanning').permissions).toMatchObject({ 'security-events': 'write' });
  });

  it('its github command runs as the CLI has it: an annotation at the template line, and the job fails on the warning (--deny-warnings)', () => {
    const result = runInCdkApp(runs('annotations').find((run) => run.includes('--format github'))!);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^::warning file=cdk\.out\/App\.template\.json,line=3,title=choice-no-default::Pick: no Default/);
  });
});
