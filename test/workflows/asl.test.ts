import { describe, expect, it } from 'vitest';
import { graph, GraphError } from '../../workflows/asl/graph.ts';
import { pass } from '../../workflows/asl/states.ts';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { check } from '../../validate/check.ts';
import { sluiceRules } from '../../workflows/lint.ts';

/** What `sluice validate` says of sluice's own workflows (the sluice profile, EXPRESS), as state and message. */
const findings = (text: string) => check({ file: 'test.asl.json', text, definition: JSON.parse(text), type: 'EXPRESS' }, 'sluice');
const lint = (text: string) => findings(text).map(({ state, message }) => ({ state, message }));
import { renderSvg } from '../../workflows/render-svg.ts';

/** A definition with an inline Map that catches, around two Tasks without Catch of their own. */
function withMap(): Record<string, unknown> {
  const call = (resource: string, next?: string) => ({ Type: 'Task', Resource: resource, Retry: [{ ErrorEquals: ['Sluice.Transient'] }], ...(next ? { Next: next } : { End: true }) });
  return {
    StartAt: 'Process chunks',
    States: {
      'Process chunks': {
        Type: 'Map',
        ItemsPath: '$.items',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Decode chunk',
          States: { 'Decode chunk': call('${DecodeFunctionArn}', 'Account for chunk'), 'Account for chunk': call('${AccountFunctionArn}') },
        },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Ingest failed' }],
        End: true,
      },
      'Ingest failed': { Type: 'Fail' },
    },
  };
}

const mutate = (name: keyof typeof workflows, change: (definition: any) => void): string => {
  const definition = JSON.parse(renderAsl(workflows[name]));
  change(definition);
  return JSON.stringify(definition);
};

describe('rendered workflows', () => {
  for (const name of Object.keys(workflows) as (keyof typeof workflows)[]) {
    it(`${name}: the whole ASL, and its picture, are what was reviewed (docs/workflows)`, async () => {
      await expect(renderAsl(workflows[name])).toMatchFileSnapshot(`../../docs/workflows/${name}.asl.json`);
      await expect(await renderSvg(workflows[name], `sluice ${name} workflow`)).toMatchFileSnapshot(`../../docs/workflows/${name}.svg`);
    });

    it(`${name}: passes asl-validator and sluice's rules`, () => {
      expect(lint(renderAsl(workflows[name]))).toStrictEqual([]);
    });
  }

  it('every Task retries transient errors with backoff and jitter, and is caught', () => {
    const definition = JSON.parse(renderAsl(workflows.kinesis));
    const tasks = Object.values(definition.States as Record<string, any>).filter((state) => state.Type === 'Task');
    expect(tasks.length).toBe(8);
    for (const task of tasks) {
      expect(task.Retry[0]).toMatchObject({ ErrorEquals: expect.arrayContaining(['Sluice.Transient', 'Lambda.TooManyRequestsException']), BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(task.Catch?.[0]?.ErrorEquals).toStrictEqual(['States.ALL']);
    }
    // decode's failure backs up the execution's input; a later task's, its error in place of its batch's body, the input the batch carries
    const catchOf = (name: string) => definition.States[name].Catch[0];
    expect(catchOf('Decode records')).toStrictEqual({ ErrorEquals: ['States.ALL'], Next: 'Back up whole input' });
    for (const name of ['Validate records', 'Enrich records', 'Deliver to sinks', 'Back up failed and quarantined records', 'Account for every record']) {
      expect(catchOf(name)).toStrictEqual({ ErrorEquals: ['States.ALL'], Next: "Back up the batch's input", ResultPath: '$.body' });
    }
    expect(definition.States["Back up the batch's input"].Parameters).toMatchObject({ 'input.$': '$.input', 'error.$': '$.body' });
  });
});

describe('sluice validate rules', () => {
  it('rejects a JSONata state', () => {
    const text = mutate('kinesis', (d) => (d.States['Validate records'].QueryLanguage = 'JSONata'));
    expect(lint(text)).toContainEqual({ state: 'Validate records', message: 'JSONata is not supported: sluice workflows are JSONPath only' });
  });

  it('rejects a Task without Catch, but not one inside a Map that catches', () => {
    const text = mutate('kinesis', (d) => delete d.States['Enrich records'].Catch);
    expect(lint(text).map((p) => p.state)).toStrictEqual(['Enrich records']);
    const catchProblems = (definition: Record<string, unknown>) => sluiceRules(definition).filter((p) => p.message.includes('Catch'));
    expect(catchProblems(withMap())).toStrictEqual([]);
    const uncaught = withMap();
    delete (uncaught.States as any)['Process chunks'].Catch;
    expect(catchProblems(uncaught).map((p) => p.state)).toStrictEqual(['Decode chunk', 'Account for chunk']);
  });

  it('rejects a Task without Retry, Assign, a Distributed Map, an unknown placeholder, States.ALL not last', () => {
    const text = mutate('s3', (d) => {
      delete d.States['Read object, split it if over one chunk'].Retry;
      d.States['Chunks handed to their executions'].Assign = { x: 1 };
      d.States['Read object, split it if over one chunk'].Resource = '${DecodeFunctionArnTypo}';
      d.States['Back up whole input'].Catch.push({ ErrorEquals: ['Sluice.Transient'], Next: 'Ingest failed' });
    });
    const messages = lint(text).map((p) => `${p.state}: ${p.message}`);
    expect(messages).toContain('Read object, split it if over one chunk: every Task needs a Retry for transient errors (MaxAttempts above 0)');
    expect(messages).toContain('Chunks handed to their executions: Assign (workflow variables) is not supported: pass data in the state');
    expect(messages.some((m) => m.startsWith('Read object, split it if over one chunk: unknown placeholder ${DecodeFunctionArnTypo}'))).toBe(true);
    // (an aws-profile rule: AWS refuses such a definition, whoever wrote it)
    expect(messages.filter((m) => m.includes('States.ALL'))).toStrictEqual([expect.stringMatching(/^Back up whole input: Catch\[\d\]: States\.ALL must be alone in its ErrorEquals and in the last catcher/)]);
    const distributed = withMap();
    (distributed.States as any)['Process chunks'].ItemProcessor.ProcessorConfig = { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' };
    expect(sluiceRules(distributed)).toContainEqual({ state: 'Process chunks', message: 'Distributed Map is not supported: use an inline Map over chunk references' });
  });

  it('rejects what asl-validator rejects (a transition to a missing state)', () => {
    const text = mutate('firehose', (d) => (d.States['Enrich records'].Next = 'Nowhere'));
    expect(findings(text).some((f) => f.rule === 'asl-schema')).toBe(true);
  });

  it('a Retry with MaxAttempts 0 is no Retry', () => {
    const text = mutate('kinesis', (d) => (d.States['Enrich records'].Retry = [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }]));
    expect(lint(text)).toContainEqual({ state: 'Enrich records', message: 'every Task needs a Retry for transient errors (MaxAttempts above 0)' });
  });

  it('rejects names a console user cannot read and names used twice across a Map', () => {
    const twice = withMap();
    const processor = (twice.States as any)['Process chunks'].ItemProcessor;
    processor.States['Ingest failed'] = processor.States['Account for chunk'];
    delete processor.States['Account for chunk'];
    processor.States['Decode chunk'].Next = 'Ingest failed';
    expect(sluiceRules(twice)).toContainEqual({
      state: 'Ingest failed',
      message: 'state name is used twice (names must be unique across the workflow, Map processors included)',
    });
    expect(sluiceRules({ StartAt: 'x', States: { x: { Type: 'Pass', End: true } } })).toContainEqual({ state: 'x', message: expect.stringContaining('read well') });
    expect(lint(mutate('kinesis', (d) => (d.Comment = 'x'))).length).toBe(0);
  });
});

describe('graph', () => {
  const end = pass('end', {}, { end: true });
  it('throws while building on a duplicate name, a missing target, an unreachable state', () => {
    expect(() => graph('c', [['A', end], ['A', end]])).toThrow(new GraphError('state "A" is defined twice'));
    expect(() => graph('c', [['A', pass('a', {}, { next: 'B' })]])).toThrow('state "A" moves to "B", which does not exist');
    expect(() => graph('c', [['A', end], ['B', end]])).toThrow('states not reachable from "A": B');
  });
});
