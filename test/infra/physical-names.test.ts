import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import type { SluiceConfig } from '../../contracts/config.ts';
import { chunkMachineArn } from '../../tasks/shared/start-chunk.ts';
import { synth, type Synthesized } from './synth.ts';

/** Properties ending in Name that AWS scopes to a parent resource, or that name no resource at all. */
const NOT_PHYSICAL = new Set([
  'AWS::IAM::Policy PolicyName', // an inline policy is named within its role
  'AWS::ApiGateway::Stage StageName', // a stage is named within its API
  'AWS::SNS::Topic DisplayName', // a label
  'AWS::CloudWatch::Alarm MetricName', // the metric an alarm watches
  'AWS::Lambda::Alias Name', // an alias is named within its function (a pipeline's name: config/check.ts holds it to an alias's)
]);

/** AWS's length limits of the names sluice gives (REST API names have none documented, nor need be unique). */
const LIMITS: Record<string, number> = {
  'AWS::StepFunctions::StateMachine StateMachineName': 80,
  'AWS::Logs::LogGroup LogGroupName': 512,
  'AWS::Pipes::Pipe Name': 64,
  'AWS::KinesisFirehose::DeliveryStream DeliveryStreamName': 64,
  'AWS::CloudWatch::Dashboard DashboardName': 255,
  'AWS::ApiGateway::RestApi Name': 255,
};

/** Every literal name the template gives a resource, as `<type> <property>` and the name. */
function physicalNames(s: Synthesized): { kind: string; name: string }[] {
  return Object.values(s.json.Resources as Record<string, any>).flatMap((resource) =>
    Object.entries<any>(resource.Properties ?? {})
      .map(([property, value]) => ({ kind: `${resource.Type} ${property}`, name: value }))
      .filter(({ kind, name }) => kind.endsWith('Name') && typeof name === 'string' && !NOT_PHYSICAL.has(kind)),
  );
}

/** A template value as deployed, with `<AWS::Region>` and the like for what CloudFormation fills in. */
const deployed = (value: any): string =>
  typeof value === 'string' ? value : value['Fn::Join'] ? value['Fn::Join'][1].map(deployed).join(value['Fn::Join'][0]) : value.Ref ? `<${value.Ref}>` : JSON.stringify(value);

/**
 * Per s3 pipeline, the state machine the decode function would start for a chunk (read from its
 * environment as the function reads it), the one its role may start, and the chunk machine the stack has.
 */
function chunkStarts(s: Synthesized) {
  const logicalId = (construct: any) => s.stack.getLogicalId(construct.node.defaultChild);
  const decode = s.json.Resources[logicalId(s.stack.functions.byTask.decode)];
  const env = Object.fromEntries(Object.entries<any>(decode.Properties.Environment.Variables).map(([key, value]) => [key, deployed(value)]));
  const role = decode.Properties.Role['Fn::GetAtt'][0];
  const granted = Object.values(s.json.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((ref: any) => ref.Ref === role))
    .flatMap((r) => r.Properties.PolicyDocument.Statement)
    .filter((statement) => statement.Action === 'states:StartExecution')
    .map((statement) => deployed(statement.Resource));
  return Object.entries(s.stack.chunkWorkflows).map(([pipeline, workflow]) => ({
    pipeline,
    started: chunkMachineArn(env, pipeline).split(':stateMachine:')[1],
    granted: granted.filter((arn) => arn === chunkMachineArn(env, pipeline)).length,
    existing: s.json.Resources[logicalId(workflow.stateMachine)].Properties.StateMachineName,
  }));
}

const LONGEST_STACK_NAME = `SluiceStaging${'x'.repeat(128 - 'SluiceStaging'.length)}`;
/** The default pipelines, renamed so long that every name built from them is cut, past where they differ. */
const longPipelines: SluiceConfig = {
  ...defaultConfig,
  pipelines: Object.fromEntries(Object.entries(defaultConfig.pipelines).map(([name, pipeline]) => [`${name}-${'y'.repeat(80)}`, pipeline])),
};

let production: Synthesized;
let staging: Synthesized;
beforeAll(() => {
  production = synth(defaultConfig, undefined, false, 'Sluice');
  staging = synth(defaultConfig, undefined, false, 'SluiceStaging');
}, 120_000);
afterAll(() => {
  production.remove();
  staging.remove();
});

describe('two sluice stacks in one account and region', () => {
  it('give no resource the same name', () => {
    const kinds = new Set(physicalNames(production).map(({ kind }) => kind));
    expect([...kinds].sort()).toStrictEqual(Object.keys(LIMITS).sort());
    const taken = new Set(physicalNames(production).map(({ kind, name }) => `${kind} ${name}`));
    expect(physicalNames(staging).filter(({ kind, name }) => taken.has(`${kind} ${name}`))).toStrictEqual([]);
  });

  it('each start the chunk state machine of their own stack, and may start it', () => {
    const starts = chunkStarts(staging);
    expect(starts).toHaveLength(1);
    for (const { started, granted, existing } of starts) {
      expect(existing).toMatch(/^sluicestaging-/);
      expect(started).toBe(existing);
      expect(granted).toBe(1);
    }
  });

  it('keep every name within its AWS limit and unique, for the longest stack name and long pipeline names', () => {
    const long = synth(longPipelines, undefined, false, LONGEST_STACK_NAME);
    const names = physicalNames(long);
    const starts = chunkStarts(long);
    long.remove();
    for (const { started, existing } of starts) expect(started).toBe(existing);
    const tooLong = names.filter(({ kind, name }) => !(name.length <= LIMITS[kind]!));
    expect(tooLong).toStrictEqual([]);
    const seen = names.map(({ kind, name }) => `${kind} ${name}`);
    expect(new Set(seen).size).toBe(seen.length);
  }, 120_000);
});
