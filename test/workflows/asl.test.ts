import { describe, expect, it } from 'vitest';
import { graph, GraphError } from '../../workflows/asl/graph.ts';
import { pass } from '../../workflows/asl/states.ts';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { lint } from '../../workflows/lint.ts';
import { renderSvg } from '../../workflows/render-svg.ts';

const mutate = (name: keyof typeof workflows, change: (definition: any) => void): string => {
  const definition = JSON.parse(renderAsl(workflows[name]));
  change(definition);
  return JSON.stringify(definition);
};

describe('rendered workflows', () => {
  for (const name of Object.keys(workflows) as (keyof typeof workflows)[]) {
    it(`${name}: the whole ASL, and its picture, are what was reviewed (docs/workflows)`, async () => {
      await expect(renderAsl(workflows[name])).toMatchFileSnapshot(`../../docs/workflows/${name}.asl.json`);
      await expect(renderSvg(workflows[name], `sluice ${name} workflow`)).toMatchFileSnapshot(`../../docs/workflows/${name}.svg`);
    });

    it(`${name}: passes asl-validator and sluice's rules`, () => {
      expect(lint(renderAsl(workflows[name]))).toStrictEqual([]);
    });
  }

  it('every Task retries transient errors with backoff and jitter, and is caught', () => {
    const definition = JSON.parse(renderAsl(workflows.kinesis));
    const tasks = Object.values(definition.States as Record<string, any>).filter((state) => state.Type === 'Task');
    expect(tasks.length).toBe(7);
    for (const task of tasks) {
      expect(task.Retry[0]).toMatchObject({ ErrorEquals: expect.arrayContaining(['Sluice.Transient', 'Lambda.TooManyRequestsException']), BackoffRate: 2, JitterStrategy: 'FULL' });
      expect(task.Catch?.[0]?.ErrorEquals).toStrictEqual(['States.ALL']);
    }
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
    expect(lint(renderAsl(workflows.s3))).toStrictEqual([]);
    const uncaughtMap = mutate('s3', (d) => delete d.States['Process chunks'].Catch);
    expect(lint(uncaughtMap).map((p) => p.state)).toContain('Decode chunk');
  });

  it('rejects a Task without Retry, Assign, a Distributed Map, an unknown placeholder, States.ALL not last', () => {
    const text = mutate('s3', (d) => {
      delete d.States['Split object into chunks'].Retry;
      d.States['Account for every record'].Assign = { x: 1 };
      d.States['Process chunks'].ItemProcessor.ProcessorConfig = { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' };
      d.States['Account for every record'].Resource = '${AccountFunctionArnTypo}';
      d.States['Back up whole input'].Catch.push({ ErrorEquals: ['Sluice.Transient'], Next: 'Ingest failed' });
    });
    const messages = lint(text).map((p) => `${p.state}: ${p.message}`);
    expect(messages).toContain('Split object into chunks: every Task needs a Retry for transient errors');
    expect(messages).toContain('Account for every record: Assign (workflow variables) is not supported: pass data in the state');
    expect(messages).toContain('Process chunks: Distributed Map is not supported: use an inline Map over chunk references');
    expect(messages.some((m) => m.startsWith('Account for every record: unknown placeholder ${AccountFunctionArnTypo}'))).toBe(true);
    expect(messages).toContain('Back up whole input: Catch: States.ALL must be alone and last');
  });

  it('rejects what asl-validator rejects (a transition to a missing state)', () => {
    const text = mutate('firehose', (d) => (d.States['Enrich records'].Next = 'Nowhere'));
    expect(lint(text).some((p) => p.message.startsWith('asl-validator:'))).toBe(true);
  });

  it('rejects names a console user cannot read and names used twice across a Map', () => {
    const text = mutate('s3', (d) => {
      d.States['Process chunks'].ItemProcessor.States['Account for every record'] = d.States['Process chunks'].ItemProcessor.States['Account for chunk'];
      delete d.States['Process chunks'].ItemProcessor.States['Account for chunk'];
      d.States['Process chunks'].ItemProcessor.States['Back up failed and quarantined records'].Next = 'Account for every record';
      d.States['Process chunks'].ItemProcessor.States['Any deliveries to retry?'].Default = 'Account for every record';
    });
    expect(lint(text)).toContainEqual({
      state: 'Account for every record',
      message: 'state name is used twice (names must be unique across the workflow, Map processors included)',
    });
    expect(lint(mutate('kinesis', (d) => (d.Comment = 'x'))).length).toBe(0);
  });

  it('reports a file that is not JSON', () => {
    expect(lint('{')).toMatchObject([{ state: '(file)' }]);
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
