import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { check } from '../../validate/check.ts';
import { durationProblems, NO_TIMEOUT, worstCase, type WorstCase } from '../../workflows/worst-case.ts';

type State = Record<string, unknown>;
const definition = (states: Record<string, State>, startAt = Object.keys(states)[0]!) => ({ StartAt: startAt, States: states });
const task = (timeout: number | undefined, next: string | undefined, more: State = {}): State => ({
  Type: 'Task',
  Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
  ...(timeout === undefined ? {} : { TimeoutSeconds: timeout }),
  ...(next === undefined ? { End: true } : { Next: next }),
  ...more,
});
const wait = (seconds: number, next: string): State => ({ Type: 'Wait', Seconds: seconds, Next: next });
const bounded = (result: WorstCase) => {
  if ('unbounded' in result) throw new Error(`expected a bound, got: ${result.state}: ${result.reason}`);
  return result;
};
const unbounded = (result: WorstCase) => {
  if (!('unbounded' in result)) throw new Error(`expected no bound, got ${result.seconds} s`);
  return result;
};

describe('worstCase: tasks and retries', () => {
  it('adds attempts × TimeoutSeconds and the backoff waits of every retrier', () => {
    const result = bounded(
      worstCase(
        definition({
          // 1 + 2 attempts × 10 s, waits 1 + 2: 33 s
          A: task(10, 'B', { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1, BackoffRate: 2 }] }),
          // 1 + 3 + 3 (default) attempts × 5 s = 35; waits 2 + 6 + min(18, 10) = 18 and 1 + 2 + 4 (defaults) = 7: 60 s, left at 93
          B: task(5, 'C', {
            Retry: [
              { ErrorEquals: ['X'], MaxAttempts: 3, IntervalSeconds: 2, BackoffRate: 3, MaxDelaySeconds: 10, JitterStrategy: 'FULL' },
              { ErrorEquals: ['States.ALL'] },
            ],
          }),
          // MaxAttempts 0 retries nothing: 7 s, left at 100
          C: task(7, undefined, { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }] }),
        }),
      ),
    );
    expect(result.seconds).toBe(100);
    expect(result.path).toStrictEqual(['A', 'B', 'C']);
    expect(result.steps.map((step) => step.at)).toStrictEqual([33, 93, 100]);
  });

  it('has no bound for a Task without TimeoutSeconds, or with TimeoutSecondsPath', () => {
    const states = { A: task(10, 'B'), B: task(undefined, 'C'), C: task(undefined, undefined, { TimeoutSecondsPath: '$.timeout' }) };
    const result = unbounded(worstCase(definition(states)));
    expect(result).toMatchObject({ state: 'B', reason: NO_TIMEOUT });
    expect(result.causes.map((cause) => cause.state)).toStrictEqual(['B', 'C']);
    expect(durationProblems(definition(states))[0]).toStrictEqual({ state: 'B', message: `worst case unbounded: ${NO_TIMEOUT}` });
  });

  it('enters a Catch target when the state has run out of attempts: the failure path can be the longest', () => {
    const result = bounded(
      worstCase(
        definition({
          Work: task(10, 'Then', { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 4 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Back up' }] }),
          Then: task(5, undefined),
          'Back up': task(30, 'Failed'),
          Failed: { Type: 'Fail' },
        }),
      ),
    );
    // Work: 2 × 10 + 4 = 24; the normal way ends at 29, the Catch way at 24 + 30 = 54
    expect(result.seconds).toBe(54);
    expect(result.steps).toStrictEqual([
      { state: 'Work', at: 24, note: 'caught' },
      { state: 'Back up', at: 54 },
      { state: 'Failed', at: 54 },
    ]);
  });

  it('takes a Parallel as its slowest branch, then its own Retry', () => {
    const parallel = (second: State) =>
      definition({
        Both: {
          Type: 'Parallel',
          Branches: [definition({ X: task(10, undefined) }), definition({ Y: second })],
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 5 }],
          Next: 'Z',
        },
        Z: task(9, undefined),
      });
    // branch Y: 2 × 20 + 3 = 43; the Parallel: 2 × 43 + 5 = 91; Z: 100
    expect(bounded(worstCase(parallel(task(20, undefined, { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 3 }] })))).seconds).toBe(100);
    expect(unbounded(worstCase(parallel(task(undefined, undefined))))).toMatchObject({ state: 'Y', reason: NO_TIMEOUT });
  });

  it('has no bound for a Map, whatever its MaxConcurrency', () => {
    const map = { Type: 'Map', MaxConcurrency: 4, ItemsPath: '$.items', ItemProcessor: definition({ One: task(5, undefined) }), End: true };
    expect(unbounded(worstCase(definition({ Each: map })))).toMatchObject({
      state: 'Each',
      reason: 'Map over a list of unknown length: at most MaxConcurrency 4 at a time, but any number of items',
    });
  });
});

describe('worstCase: waits', () => {
  const waitBehind = (rule: State) =>
    definition({
      First: task(10, 'Decide'),
      Decide: { Type: 'Choice', Choices: [{ ...rule, Next: 'Pause' }], Default: 'Done' },
      Pause: { Type: 'Wait', SecondsPath: '$.delay', Next: 'Done' },
      Done: { Type: 'Succeed' },
    });

  it('has no bound for a Wait whose SecondsPath nothing bounds', () => {
    const reason = 'Wait reads its time from the input with no bound';
    expect(unbounded(worstCase(waitBehind({ Variable: '$.delay', NumericGreaterThan: 0 })))).toMatchObject({ state: 'Pause', reason });
    expect(unbounded(worstCase(waitBehind({ Variable: '$.other', NumericLessThanEquals: 30 })))).toMatchObject({ state: 'Pause', reason });
    // an Or does not require the bound
    expect(unbounded(worstCase(waitBehind({ Or: [{ Variable: '$.delay', NumericLessThanEquals: 30 }, { Variable: '$.x', BooleanEquals: true }] })))).toMatchObject({ reason });
    const timestamp = definition({ Until: { Type: 'Wait', TimestampPath: '$.at', End: true } });
    expect(unbounded(worstCase(timestamp))).toMatchObject({ state: 'Until', reason });
  });

  it('bounds a SecondsPath Wait by the rule that leads to it, directly or in an And', () => {
    // 10 s task, then at most 30 s of waiting
    expect(bounded(worstCase(waitBehind({ Variable: '$.delay', NumericLessThanEquals: 30 }))).seconds).toBe(40);
    const conjunct = { And: [{ Variable: '$.x', BooleanEquals: true }, { Variable: '$.delay', NumericLessThan: 25 }] };
    expect(bounded(worstCase(waitBehind(conjunct))).seconds).toBe(35);
  });
});

describe('worstCase: loops', () => {
  const polling = (rule: State) =>
    definition({
      Poll: task(10, 'Finished?', { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 1, IntervalSeconds: 2 }] }),
      'Finished?': { Type: 'Choice', Choices: [{ ...rule, Next: 'Pause' }], Default: 'Done' },
      Pause: wait(5, 'Poll'),
      Done: { Type: 'Succeed' },
    });

  it('has no bound for a loop without an elapsed-time guard', () => {
    expect(unbounded(worstCase(polling({ Variable: '$.status', StringEquals: 'RUNNING' })))).toMatchObject({
      state: 'Poll',
      reason: 'loop <Poll → Finished? → Pause → Poll> has no elapsed-time guard',
    });
    // a loop of states that take no time runs until the execution timeout all the same
    const spin = definition({ Again: { Type: 'Choice', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Step' }], Default: 'End' }, Step: { Type: 'Pass', Next: 'Again' }, End: { Type: 'Succeed' } });
    expect(unbounded(worstCase(spin))).toMatchObject({ state: 'Again', reason: 'loop <Again → Step → Again> has no elapsed-time guard' });
  });

  it('caps the time a guarded rule is taken at its bound', () => {
    const guard = { And: [{ Variable: '$.status', StringEquals: 'RUNNING' }, { Variable: '$.poll.elapsedSeconds', NumericLessThan: 100 }] };
    const result = bounded(worstCase(polling(guard)));
    // Poll costs 2 × 10 + 2 = 22 s; Pause is entered by 100 s at the latest, left by 105; Poll once more: 127
    expect(result.seconds).toBe(127);
    expect(result.steps).toStrictEqual([
      { state: 'Poll' },
      { state: 'Finished?', at: 100, note: 'elapsed ≤ 100 s' },
      { state: 'Pause', at: 105 },
      { state: 'Poll', at: 127 },
      { state: 'Finished?', at: 127 },
      { state: 'Done', at: 127 },
    ]);
    expect(durationProblems(polling(guard), 120)).toStrictEqual([
      { state: 'Done', message: 'can run 127 s, over the 120 s Express limit: Poll → Finished? (elapsed ≤ 100 s) → Pause (105 s) → Poll (127 s) → Finished? (127 s) → Done (127 s)' },
    ]);
    expect(durationProblems(polling(guard))).toStrictEqual([]);
  });

  it('settles a loop of short laps under a far guard (250 laps of 1 s)', () => {
    const short = definition({
      Tick: wait(1, 'More?'),
      'More?': { Type: 'Choice', Choices: [{ Variable: '$.elapsedSeconds', NumericLessThanEquals: 250, Next: 'Tick' }], Default: 'Done' },
      Done: { Type: 'Succeed' },
    });
    expect(bounded(worstCase(short)).seconds).toBe(251);
  });

  it('lets the tighter of two guards on one loop win, not the first to be reached', () => {
    const twoGuards = definition({
      A: wait(1, 'Guard 200'),
      'Guard 200': { Type: 'Choice', Choices: [{ Variable: '$.t.elapsedSeconds', NumericLessThan: 200, Next: 'B' }], Default: 'End 1' },
      B: wait(1, 'Guard 100'),
      'Guard 100': { Type: 'Choice', Choices: [{ Variable: '$.t.elapsedSeconds', NumericLessThan: 100, Next: 'A' }], Default: 'End 2' },
      'End 1': { Type: 'Succeed' },
      'End 2': { Type: 'Succeed' },
    });
    // A is entered by 100 s, left by 101; Guard 200 lets B start at 101, left by 102; End 2 at 102
    const result = bounded(worstCase(twoGuards));
    expect(result.seconds).toBe(102);
    expect(result.steps.slice(3)).toStrictEqual([
      { state: 'Guard 100', at: 100, note: 'elapsed ≤ 100 s' },
      { state: 'A', at: 101 },
      { state: 'Guard 200', at: 101 },
      { state: 'B', at: 102 },
      { state: 'Guard 100', at: 102 },
      { state: 'End 2', at: 102 },
    ]);
  });
});

describe('worstCase: what is not well formed', () => {
  it('answers with a problem, never by throwing', () => {
    const broken: unknown[] = [
      null,
      [],
      5,
      {},
      { StartAt: 'A', States: 5 },
      { StartAt: 'Missing', States: { A: { Type: 'Succeed' } } },
      definition({ A: task(10, 'Nowhere') }),
      definition({ A: { Type: 'Dance', End: true } }),
      definition({ A: task(10, 'B', { Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 'many' }] }) , B: { Type: 'Succeed' } }),
      definition({ A: { Type: 'Choice', Choices: [] } }),
      definition({ A: { Type: 'Parallel', Branches: [{ StartAt: 'X' }], End: true } }),
    ];
    for (const input of broken) {
      const problems = durationProblems(input as Record<string, unknown>);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toMatch(/^worst case unknown: /);
    }
    expect(durationProblems(definition({ A: task(10, 'Nowhere') }))).toStrictEqual([{ state: 'A', message: 'worst case unknown: Next (or End) "Nowhere" names no state' }]);
  });
});

describe('sluice validate', () => {
  it("reports an Express machine's duration over the limit after the other checks", () => {
    const slow = definition({ 'Step one': task(200, 'Step two'), 'Step two': task(200, undefined) });
    expect(check({ file: 'x', text: JSON.stringify(slow), definition: slow, type: 'EXPRESS' }, 'aws').at(-1)).toStrictEqual({
      rule: 'express-worst-case',
      severity: 'error',
      state: 'Step two',
      message: 'can run 400 s, over the 300 s Express limit: Step one (200 s) → Step two (400 s)',
    });
  });
});

describe('worstCase on public definitions (../shared/corpus/asl-real)', () => {
  const corpus = new URL('../../../shared/corpus/asl-real/', import.meta.url);
  const read = (file: string) => JSON.parse(readFileSync(new URL(file, corpus), 'utf8')) as Record<string, any>;

  it('a single task with two retriers: 68 s', () => {
    // 1 + 2 + 3 (default) attempts × 5 s = 30; waits 1 + 2 and 5 + 10 + 20: 68
    const result = bounded(worstCase(read('workflows-collection/simple-retry__statemachine__statemachine.asl.json')));
    expect(result.seconds).toBe(68);
    expect(result.path).toStrictEqual(['Call Amazon S3 ListObjectsV2', 'Succeed State']);
  });

  it('a Redshift statement retried at a flat 5 s: 95 s', () => {
    // 5 attempts × 15 s + 4 waits of 5 s (BackoffRate 1)
    expect(bounded(worstCase(read('workflows-collection/stepfunction-redshift-batchexecutestatement-sam__statemachine__statemachine.asl.json'))).seconds).toBe(95);
  });

  it('an Athena polling loop (Wait → Task → Choice) has no bound; guarded and timed out, a number', () => {
    const athena = read('stepfunctions-examples/sam__app-s3-athena-dataprocessing__statemachines__execute_athena_query.asl.json');
    expect(unbounded(worstCase(athena)).causes).toStrictEqual([
      { state: 'get_query_results', reason: NO_TIMEOUT },
      { state: 'wait_to_query', reason: 'loop <wait_to_query → get_athena_execution_status → is_query_finished → wait_to_query> has no elapsed-time guard' },
    ]);
    athena.States.get_query_results.TimeoutSeconds = 30;
    const running = athena.States.is_query_finished.Choices[0];
    athena.States.is_query_finished.Choices[0] = { And: [{ Variable: running.Variable, StringEquals: 'RUNNING' }, { Variable: '$.elapsedSeconds', NumericLessThan: 200 }], Next: running.Next };
    // each task: 6 attempts × 60 s + waits 2 + 3 + 4.5 + 6.75 + 10.125 = 386.375. The first pass reaches the
    // Choice at 2 × 386.375 + 2 = 774.75 (past the guard, so no lap after it); get_query_results: 6 × 30 + 26.375
    const result = bounded(worstCase(athena));
    expect(result.seconds).toBe(774.75 + 206.375);
    expect(durationProblems(athena)[0]!.message).toMatch(/^can run 981\.1 s, over the 300 s Express limit: confirm_service_name \(0 s\) → /);
  });

  it('never throws on any of the 240 files', () => {
    const files = ['serverless-patterns', 'stepfunctions-examples', 'workflows-collection'].flatMap((dir) =>
      readdirSync(new URL(`${dir}/`, corpus)).filter((file) => file.endsWith('.json')).map((file) => `${dir}/${file}`),
    );
    expect(files).toHaveLength(240);
    for (const file of files) expect(() => durationProblems(read(file))).not.toThrow();
  });
});
