import { describe, expect, it } from 'vitest';
import { check, type Profile } from '../../validate/check.ts';
import type { MachineType } from '../../validate/finding.ts';

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:work';
/** A one-state definition around `state`, and what `sluice validate` finds in it. */
const findingsOf = (state: Record<string, unknown>, type: MachineType = 'STANDARD', profile: Profile = 'aws', top: Record<string, unknown> = {}) => {
  const definition = { StartAt: 'S', States: { S: { End: true, ...state } }, ...top };
  return check({ file: 'x.asl.json', text: JSON.stringify(definition), definition, type }, profile);
};
const rules = (...args: Parameters<typeof findingsOf>) => findingsOf(...args).map((f) => `${f.severity} ${f.rule}`);
const task = (extra: Record<string, unknown> = {}) => ({ Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 10, ...extra });

describe('sluice validate, aws profile: one defect, one rule', () => {
  it('passes a plain definition with nothing to say', () => {
    expect(findingsOf(task())).toStrictEqual([]);
  });

  it('each defect is reported by its rule', () => {
    const cases: [Parameters<typeof findingsOf>, string][] = [
      [[{ Type: 'Choice', Choices: [{ Variable: '$.x', StringEquals: 'a', Next: 'S' }], End: undefined }], 'warning choice-no-default'],
      [[task({ Resource: 'arn:aws:states:::glue:startJobRun.sync' }), 'EXPRESS'], 'error express-unsupported-integration'],
      [[task({ Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', TimeoutSeconds: undefined }), 'STANDARD'], 'warning wait-for-token-no-timeout'],
      [[task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 60, MaxAttempts: 20, BackoffRate: 2 }] })], 'warning retry-schedule-long'],
      [[task({ Retry: [{ ErrorEquals: ['States.ALL'], BackoffRate: 0.5 }] })], 'error backoff-rate-below-1'],
      [[task({ HeartbeatSeconds: 10 })], 'error heartbeat-not-below-timeout'],
      [[task({ ResultPath: '$$.Execution.Input' })], 'error result-path-context'],
      [[{ Type: 'Pass', Result: { a: 1 }, ResultPath: null }], 'warning pass-result-discarded'],
      [[task({ Parameters: { id: '$.order.id' } })], 'warning path-without-dollar-key'],
      [[task({ Parameters: { 'text.$': "States.Formatt('{}', $.a)" } })], 'error unknown-intrinsic'],
      [[{ Type: 'Wait', Seconds: 600 }, 'EXPRESS'], 'error express-over-5-minutes'],
      [[task({ TimeoutSeconds: 900 }), 'EXPRESS'], 'error express-over-5-minutes'],
      [[task({ Resource: 'arn:aws:lambda:us-east-1:1234:function:work' })], 'error lambda-arn-malformed'],
      [[task({ TimeoutSeconds: undefined }), 'EXPRESS'], 'warning express-worst-case'],
      [[task({ TimeoutSeconds: undefined }), 'EXPRESS', 'sluice'], 'error express-worst-case'],
      [[task({ Next: 'Nowhere', End: undefined })], 'error asl-schema'],
      [[{ Type: 'Choice', Choices: [{ Variable: '$.x', StringEquals: 'a', Next: 'S' }], End: undefined }, 'STANDARD', 'sluice'], 'error choice-no-default'],
      [[task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 0 }] })], 'error retrier-fields'],
      [[task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1.5 }] })], 'error retrier-fields'],
      [[task({ Retry: [{ ErrorEquals: ['States.ALL'], JitterStrategy: 'RANDOM' }] })], 'error retrier-fields'],
      [[task({ Retry: [{ ErrorEquals: [] }] })], 'error retrier-fields'],
      [[task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S' }, { ErrorEquals: ['States.Timeout'], Next: 'S' }] })], 'error states-all-not-last'],
      [[task({ Retry: [{ ErrorEquals: ['States.ALL', 'States.Timeout'] }] })], 'error states-all-not-last'],
      [[task({ Parameters: { batch: '$' } })], 'warning path-without-dollar-key'],
      [[task({ Parameters: { first: '$[0]' } })], 'warning path-without-dollar-key'],
      // paths AWS refuses (SCHEMA_VALIDATION_FAILED), each a slip of one character (helper-45's mutations, all passed before)
      [[task({ InputPath: 'body' })], 'error path-syntax'],
      [[task({ OutputPath: '$.a[?(@.x' })], 'error path-syntax'],
      [[task({ ResultPath: 'out' })], 'error path-syntax'],
      [[task({ ResultPath: '$.body[*]' })], 'error path-syntax'],
      [[task({ ResultPath: '$..x' })], 'error path-syntax'],
      [[task({ Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: 'error', Next: 'S' }] })], 'error path-syntax'],
      [[task({ Parameters: { 'batch.$': 'batch' } })], 'error path-syntax'],
      [[task({ ResultSelector: { 'out.$': 'Payload' } })], 'error path-syntax'],
      [[task({ Parameters: { 'text.$': 'States.JsonToString($' } })], 'error path-syntax'],
      [[task({ Parameters: { 'text.$': 'States.JsonToString(foo)' } })], 'error path-syntax'],
      [[task({ Parameters: { 'text.$': "states.Format('a')" } })], 'error path-syntax'],
      [[{ Type: 'Pass', Assign: { 'x.$': 'States.Nope($.a)' } }], 'error unknown-intrinsic'],
      [[task({ Catch: [{ ErrorEquals: ['States.ALL'], Assign: { 'why.$': 'error' }, Next: 'S' }] })], 'error path-syntax'],
      [[{ Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Assign: { 'x.$': 'States.Nope($.a)' }, Next: 'S' }], Default: 'S', End: undefined }], 'error unknown-intrinsic'],
      [[{ Type: 'Choice', Choices: [{ Variable: 'counts.failed', NumericEquals: 0, Next: 'S' }], Default: 'S', End: undefined }], 'error path-syntax'],
      [[{ Type: 'Choice', Choices: [{ Variable: '$.a', NumericEqualsPath: 'b', Next: 'S' }], Default: 'S', End: undefined }], 'error path-syntax'],
      [[{ Type: 'Wait', SecondsPath: 'retry.delaySeconds' }], 'error path-syntax'],
      [[{ Type: 'Fail', ErrorPath: 'error', End: undefined }], 'error path-syntax'],
      [[{ Type: 'Map', ItemsPath: '$.items[?(@.a)]', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } } }], 'error path-syntax'],
      [[{ Type: 'Choice', Choices: [{ And: [{ Variable: '$.a', IsPresent: true, Next: 'S' }], Next: 'S' }], Default: 'S', End: undefined }], 'error choice-nested-next'],
      [[{ Type: 'Choice', Choices: [{ Variable: '$.t', TimestampEquals: 'yesterday', Next: 'S' }], Default: 'S', End: undefined }], 'error timestamp-format'],
      [[{ Type: 'Wait', Seconds: 2.5 }], 'error number-range'],
      [[{ Type: 'Wait', Seconds: 100_000_000 }], 'error number-range'],
      [[task(), 'STANDARD', 'aws', { TimeoutSeconds: 0 }], 'error number-range'],
      [[task({ Parameters: { blob: 'x'.repeat(1_100_000) } })], 'error definition-too-large'],
    ];
    for (const [args, expected] of cases) expect({ state: args[0], found: rules(...args) }).toMatchObject({ found: expect.arrayContaining([expected]) });
  });

  it('passes the paths and intrinsic functions AWS takes', () => {
    const fine = [
      task({ InputPath: '$.a', OutputPath: "$.b[?(@.ok == true)]", ResultPath: "$['odd,name']", Parameters: { 'a.$': '$$.Execution.Id', 'b.$': "States.Format('{} {}', $.x, States.ArrayLength($.y))", 'c.$': "States.Array(1, 'two', true, null)", 'd.$': 'States.UUID()', 'e.$': "$.list[0:2]" } }),
      task({ ResultPath: null, InputPath: null, OutputPath: null, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'S' }] }),
      // a deep scan and a wildcard where any path goes, a quote inside a name written with dots, an escaped quote in a literal
      task({ InputPath: '$..items', OutputPath: '$[*]', ResultPath: "$.o'brien", Parameters: { 'a.$': "$.detail.user's", 'b.$': "States.Format('it\\'s {}', $$.Map.Item.Value)", 'c.$': '$var.x' } }),
      // what a template fills in when it deploys (DefinitionSubstitutions, a Ref)
      task({ ResultPath: '${ResultPlace}', Parameters: { 'a.$': '${Path}' } }),
      { Type: 'Wait', Timestamp: '${Deadline}' },
      { Type: 'Pass', Assign: { 'x.$': '$.a', plain: 'not a path' } },
    ];
    for (const state of fine) expect({ state, found: findingsOf(state) }).toStrictEqual({ state, found: [] });
    // states that end without End
    const ends = [
      { Type: 'Fail', ErrorPath: "States.Format('Failed: {}', $.reason)", CausePath: '$.cause' },
      { Type: 'Choice', Choices: [{ Not: { Variable: '$.t', TimestampGreaterThanEquals: '2030-08-18T17:33:00.250+02:00' }, Next: 'E' }, { Variable: '$myVar', StringEqualsPath: '$.other', Next: 'E' }], Default: 'E' },
    ];
    for (const state of ends) {
      const definition = state.Type === 'Fail' ? { StartAt: 'S', States: { S: state } } : { StartAt: 'S', States: { S: state, E: { Type: 'Succeed' } } };
      expect({ state, found: check({ file: 'x', text: JSON.stringify(definition), definition, type: 'STANDARD' }, 'aws') }).toStrictEqual({ state, found: [] });
    }
    // a JSONata state's fields are JSONata's, not paths; a state set back to JSONPath in a JSONata machine is checked
    expect(findingsOf({ Type: 'Pass', Output: '{% $states.input %}', Assign: { x: '{% $states.input.a %}' } }, 'STANDARD', 'aws', { QueryLanguage: 'JSONata' })).toStrictEqual([]);
    expect(rules({ Type: 'Pass', QueryLanguage: 'JSONPath', InputPath: 'body' }, 'STANDARD', 'aws', { QueryLanguage: 'JSONata' })).toContain('error path-syntax');
  });

  it('the same state in a STANDARD machine is not held to Express limits', () => {
    expect(rules({ Type: 'Wait', Seconds: 600 })).toStrictEqual([]);
    expect(rules(task({ Resource: 'arn:aws:states:::glue:startJobRun.sync' }))).toStrictEqual([]);
  });

  it('names the state a reference error is about, whatever its name holds (spaces put every such finding on line 1, under "(definition)")', () => {
    const definition = {
      StartAt: 'Read the batch',
      States: { 'Read the batch': { Type: 'Pass', Next: 'Write the batc' }, 'Write the batch': { Type: 'Pass', End: true } },
    };
    const found = check({ file: 'x', text: JSON.stringify(definition), definition, type: 'STANDARD' }, 'aws').map((f) => [f.state, f.message]);
    expect(found).toStrictEqual([
      ['Write the batch', 'State Write the batch is not reachable'],
      ['Read the batch', "Missing 'StartAt'|'Next'|'Default' target: Write the batc"],
    ]);
  });

  it('says in words what asl-validator says as a oneOf', () => {
    const [finding] = findingsOf(task({ Foo: 1 }));
    expect(finding).toMatchObject({ rule: 'asl-schema', state: 'S', message: 'a Task state has no field Foo' });
  });

  it('accepts any ${placeholder}, inside ARNs too, and JSONata without inner spaces', () => {
    expect(findingsOf(task({ Resource: 'arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Name}' }))).toStrictEqual([]);
    expect(findingsOf(task({ Resource: '${WorkFunctionArn}' }))).toStrictEqual([]);
    expect(findingsOf({ Type: 'Pass', Output: '{%$states.input%}' }, 'STANDARD', 'aws', { QueryLanguage: 'JSONata' })).toStrictEqual([]);
  });

  it('a States entry that is not a state is named, instead of crashing the run', () => {
    const definition = { StartAt: 'S', States: { S: { Type: 'Pass', End: true }, QueryLanguage: 'JSONata' } };
    expect(check({ file: 'x', text: JSON.stringify(definition), definition, type: 'STANDARD' }, 'aws')).toMatchObject([
      { rule: 'asl-schema', severity: 'error', state: 'QueryLanguage', message: expect.stringContaining('belongs beside StartAt and States') },
    ]);
  });
});
