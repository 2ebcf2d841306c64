import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../validate/check.ts';
import { definitionsIn } from '../../validate/sources.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-sources-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const machine = (next = 'Done') => ({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', TimeoutSeconds: 10, Next: next }, Done: { Type: 'Succeed' } } });

describe('the state machines of a template', () => {
  it("reads CloudFormation's short forms in YAML (a valid template failed as unreadable)", async () => {
    const yaml = file('short.yaml', [
      'Resources:',
      '  Machine:',
      '    Type: AWS::StepFunctions::StateMachine',
      '    Properties:',
      '      DefinitionString: !Sub',
      `        - '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"\${FnArn}","TimeoutSeconds":10,"End":true}}}'`,
      '        - FnArn: !GetAtt Fn.Arn',
      '  Other:',
      '    Type: AWS::StepFunctions::StateMachine',
      '    Properties:',
      '      DefinitionString: !Join ["", [\'{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"\', !Ref Name, \'","End":true}}}\']]',
    ].join('\n'));
    const { definitions, unchecked } = await definitionsIn(yaml, undefined);
    expect(unchecked).toStrictEqual([]);
    expect(definitions.map((d) => d.name)).toStrictEqual(['Machine', 'Other']);
    expect(definitions.flatMap((d) => check(d, 'aws'))).toStrictEqual([]);
  });

  it("checks SAM's state machines, with SAM's Type (they were passed over in silence)", async () => {
    const sam = file('sam.json', JSON.stringify({ Transform: 'AWS::Serverless-2016-10-31', Resources: { Flow: { Type: 'AWS::Serverless::StateMachine', Properties: { Type: 'EXPRESS', Definition: machine('Nowhere') } } } }));
    const { definitions } = await definitionsIn(sam, undefined);
    expect(definitions).toMatchObject([{ name: 'Flow', type: 'EXPRESS' }]);
    const rules = check(definitions[0]!, 'aws').map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['asl-schema', 'express-unsupported-integration']));
  });

  it('checks a definition whose template puts a token where a number goes (the whole file was unreadable)', async () => {
    const joined = file('join-number.json', JSON.stringify({ Resources: { Waits: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: { 'Fn::Join': ['', ['{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":', { Ref: 'Delay' }, ',"Next":"Gone"}}}']] } } } } }));
    const { definitions } = await definitionsIn(joined, undefined);
    expect(definitions.map((d) => d.definition)).toMatchObject([{ States: { W: { Seconds: 0 } } }]);
    // and what it then finds is the machine's own fault
    expect(check(definitions[0]!, 'aws').map((f) => f.rule)).toContain('asl-schema');
  });

  it('says which machines it could not check: a definition in S3, or no machine at all', async () => {
    const s3 = file('s3.json', JSON.stringify({ Resources: { Stored: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionS3Location: { Bucket: 'b', Key: 'k' } } }, Inline: { Type: 'AWS::StepFunctions::StateMachine', Properties: { Definition: machine() } } } }));
    const stored = await definitionsIn(s3, undefined);
    expect(stored.definitions.map((d) => d.name)).toStrictEqual(['Inline']);
    expect(stored.unchecked).toStrictEqual([{ file: s3, name: 'Stored', message: expect.stringContaining('outside the template (DefinitionS3Location): not checked') }]);
    const empty = file('empty.json', JSON.stringify({ Resources: { Bucket: { Type: 'AWS::S3::Bucket' } } }));
    expect((await definitionsIn(empty, undefined)).unchecked).toMatchObject([{ message: expect.stringContaining('nothing was checked') }]);
  });
});
