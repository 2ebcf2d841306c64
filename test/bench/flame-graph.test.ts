import { describe, expect, it } from 'vitest';
import { flameGraph } from '../../bench/flame-graph.ts';
import type { Profile, ProfileNode } from '../../bench/frames.ts';

/** A profile built from [id, functionName, url, children] and the milliseconds sampled at each node. */
function profileOf(nodes: [number, string, string, number[]][], msAt: Record<number, number>): Profile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  for (const [id, ms] of Object.entries(msAt)) {
    for (let i = 0; i < ms; i++) {
      samples.push(Number(id));
      timeDeltas.push(1000);
    }
  }
  const profileNodes: ProfileNode[] = nodes.map(([id, functionName, url, children]) => ({ id, callFrame: { functionName, url, lineNumber: 0 }, children }));
  return { nodes: profileNodes, samples, timeDeltas };
}

const box = (svg: string, name: string) => {
  const match = new RegExp(`<title>${name} [^<]*</title><rect x="([\\d.]+)" y="(\\d+)" width="([\\d.]+)"`).exec(svg);
  return match ? { x: Number(match[1]), y: Number(match[2]), width: Number(match[3]) } : undefined;
};

describe('flame graph', () => {
  const engine = 'file:///p/node_modules/aws-local-stepfunctions/build/main.node.cjs';
  const task = 'file:///p/tasks/decode/index.ts';
  // (root) -> (idle) 100 ms; run 0 -> decode 200 (and itself again, 50) + stringify 100; (garbage collector) 50
  const profile = profileOf(
    [
      [1, '(root)', '', [2, 3, 7]],
      [2, '(idle)', '', []],
      [3, 'run', engine, [4, 6]],
      [4, 'decode', task, [5]],
      [5, 'decode', task, []],
      [6, 'stringify<T>', '', []],
      [7, '(garbage collector)', '', []],
    ],
    { 2: 100, 4: 200, 5: 50, 6: 100, 7: 50 },
  );
  const svg = flameGraph(profile, 'a <bench> run');

  it('draws each call path as wide as its time, callees below callers, idle time left out', () => {
    const run = box(svg, 'run aws-local-stepfunctions:1')!;
    const decode = box(svg, 'decode decode/index.ts:1')!;
    const gc = box(svg, '\\(garbage collector\\)')!;
    // 400 ms of CPU drawn (idle's 100 left out) over 1,180 px: run 350 ms, decode 250 (its recursion in it), gc 50
    expect(run.width).toBeCloseTo(1180 * (350 / 400), 0);
    expect(decode.width).toBeCloseTo(1180 * (250 / 400), 0);
    expect(gc.width).toBeCloseTo(1180 * (50 / 400), 0);
    expect(decode.x).toBe(run.x);
    expect(decode.y).toBeGreaterThan(run.y);
    expect(svg).not.toContain('(idle)');
    expect(svg).toContain('400 ms of CPU sampled; idle 100 ms of 500 not drawn');
  });

  it('draws a function that calls itself as one box, and colours by owner with a legend of shares', () => {
    expect(svg.match(/<title>decode decode\/index.ts:1/g)).toHaveLength(1);
    // decode's 250 ms of 400; a built-in (no file of its own) is its caller's: stringify's 100 ms are the engine's
    expect(svg).toContain('>decode 62.5%</text>');
    expect(svg).toContain('>engine 25.0%</text>');
    expect(svg).toContain('>garbage collector 12.5%</text>');
    expect(svg).toMatch(/<title>stringify&lt;T&gt; \(engine\)[^<]*<\/title><rect [^>]*fill="#e9a23b"/);
  });

  it('escapes names and titles', () => {
    expect(svg).toContain('a &lt;bench&gt; run');
    expect(svg).toContain('stringify&lt;T&gt;');
    expect(svg).not.toContain('stringify<T>');
  });

  it('cuts stacks deeper than 48 calls, their time counted in the last row drawn', () => {
    const depth = 200;
    const nodes: [number, string, string, number[]][] = [[1, '(root)', '', [2]]];
    for (let i = 2; i <= depth + 1; i++) nodes.push([i, `f${i}`, task, i <= depth ? [i + 1] : []]);
    const deep = flameGraph(profileOf(nodes, { [depth + 1]: 10 }), 'deep');
    expect(deep.match(/<rect x="[\d.]+" y="\d+" width="1180.0"/g)).toHaveLength(48);
    expect(box(deep, 'f49 decode/index.ts:1')).toBeDefined();
    expect(box(deep, 'f50 decode/index.ts:1')).toBeUndefined();
  });
});
