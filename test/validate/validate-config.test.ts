import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/sluice.mjs', import.meta.url));
/** A Choice without Default (a warning, choice-no-default) on line 5, and a Task without Catch (a house rule, sluice profile only). */
const DEFINITION = `{
  "StartAt": "Pick",
  "States": {
    "Pick": { "Type": "Choice", "Choices": [{ "Variable": "$.x", "StringEquals": "a", "Next": "Work" }], "Default": "Pick2" },
    "Pick2": { "Type": "Choice", "Choices": [{ "Variable": "$.x", "StringEquals": "b", "Next": "Work" }] },
    "Work": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "TimeoutSeconds": 10, "Retry": [{ "ErrorEquals": ["States.ALL"] }], "End": true }
  }
}
`;

/** A folder with the definition and the given files, and `sluice validate` run inside it. */
function inFolder(files: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-validate-config-'));
  writeFileSync(join(dir, 'machine.asl.json'), DEFINITION);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return (...args: string[]) => {
    const run = spawnSync(process.execPath, [bin, 'validate', ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
}

describe('sluice validate with a configuration', () => {
  it('without one, the warning is reported and fails only with --deny-warnings', () => {
    const validate = inFolder({});
    expect(validate('machine.asl.json')).toMatchObject({ code: 0, stdout: expect.stringContaining('Pick2: warning: no Default') });
    expect(validate('--deny-warnings', 'machine.asl.json').code).toBe(1);
  });

  it('.sluice-validate.json in the working directory turns a rule off: its finding is not reported, and the text output says so', () => {
    const validate = inFolder({ '.sluice-validate.json': { rules: { 'choice-no-default': 'off' } } });
    const result = validate('--deny-warnings', 'machine.asl.json');
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain('.sluice-validate.json: 1 rule turned off (choice-no-default): 1 finding not reported');
    expect(JSON.parse(validate('--format', 'json', 'machine.asl.json').stdout)).toStrictEqual([]);
  });

  it('--config gives a rule another severity: a warning made an error fails the run without --deny-warnings', () => {
    const validate = inFolder({ 'strict.json': { rules: { 'choice-no-default': 'error' } }, '.sluice-validate.json': { rules: { 'choice-no-default': 'off' } } });
    const result = validate('--config', 'strict.json', 'machine.asl.json');
    expect(result.code).toBe(1);
    expect(result.stdout.trim()).toBe('machine.asl.json: Pick2: no Default: an input no rule matches fails the execution with States.NoChoiceMatched; add a Default [choice-no-default]');
    expect(JSON.parse(validate('--config', 'strict.json', '--format', 'sarif', 'machine.asl.json').stdout).runs[0].results).toMatchObject([{ ruleId: 'choice-no-default', level: 'error', locations: [{ physicalLocation: { region: { startLine: 5 } } }] }]);
  });

  it("takes the profile from the configuration, and --profile over it", () => {
    const validate = inFolder({ '.sluice-validate.json': { profile: 'sluice', rules: { 'choice-no-default': 'off' } } });
    expect(validate('machine.asl.json')).toMatchObject({ code: 1, stdout: expect.stringContaining('Work: every Task needs a Catch') });
    expect(validate('--profile', 'aws', 'machine.asl.json')).toMatchObject({ code: 0, stdout: '' });
  });

  it('a misspelt rule id, a severity that is none, a bad profile or a failure named as a rule stops the run with exit 2, saying which file and which key', () => {
    const validate = inFolder({
      '.sluice-validate.json': { rules: { 'choice-no-defualt': 'off' } },
      'bad.json': { profile: 'strict', rules: { 'retry-schedule-long': 'warn', unreadable: 'off' } },
    });
    const typo = validate('machine.asl.json');
    expect(typo).toMatchObject({ code: 2, stdout: '' });
    expect(typo.stderr).toMatch(/^sluice: validate: \.sluice-validate\.json does not match its contract:\n {2}rules\.choice-no-defualt: no such rule \(the rules: asl-schema, .*choice-no-default, /);
    const bad = validate('--config', 'bad.json', 'machine.asl.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n').slice(1, 4)).toStrictEqual([
      '  profile: expected "aws" | "sluice", got "strict"',
      '  rules.retry-schedule-long: expected "off" | "warning" | "error", got "warn"',
      '  rules.unreadable: not a rule: it says a file or a check could not run, which no configuration silences, got "unreadable"',
    ]);
    expect(validate('--config', 'missing.json', 'machine.asl.json')).toMatchObject({ code: 2, stderr: 'sluice: validate: cannot read the configuration missing.json: no such file\n' });
  });
});
