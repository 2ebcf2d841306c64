import { ValidateStateMachineDefinitionCommand } from '@aws-sdk/client-sfn';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { awsFindings } from '../../validate/aws-check.ts';

/** ValidateStateMachineDefinition exists only on AWS: its client is replaced, and what it was sent is checked. */
describe('validate --aws', () => {
  it('sends the definition with placeholders resolved and its type, and reads the diagnostics as findings', async () => {
    const sent: ValidateStateMachineDefinitionCommand[] = [];
    const definition = { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: '${WorkArn}', End: true } } };
    const findings = await awsFindings({ file: 'x.asl.json', text: JSON.stringify(definition), definition, type: 'EXPRESS' }, async (command) => {
      sent.push(command);
      return { result: 'FAIL', diagnostics: [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'bad', location: '/States/Work/Resource' }, { severity: 'WARNING', code: 'NO_DEFAULT', message: 'hm' }] };
    });
    expect(sent[0]!.input).toMatchObject({ type: 'EXPRESS', severity: 'WARNING' });
    expect(JSON.parse(sent[0]!.input.definition!).States.Work.Resource).toBe('arn:aws:lambda:us-east-1:123456789012:function:placeholder');
    expect(findings).toStrictEqual([
      { rule: 'aws:SCHEMA_VALIDATION_FAILED', severity: 'error', state: 'Work', message: 'AWS: bad' },
      { rule: 'aws:NO_DEFAULT', severity: 'warning', state: '(definition)', message: 'AWS: hm' },
    ]);
  });

  it('says plainly when there are no credentials, and the local checks still decide', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'eu-west-1', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true' };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_PROFILE;
    const run = spawnSync(process.execPath, ['bin/sluice.mjs', 'validate', '--aws'], { encoding: 'utf8', env, timeout: 60_000 });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/^sluice: validate --aws: no AWS credentials \(.+\): AWS's own check was not asked; the local checks ran$/m);
  });
});
