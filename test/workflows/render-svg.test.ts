import { describe, expect, it } from 'vitest';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { renderSvg } from '../../workflows/render-svg.ts';

type Element = Record<string, any>;
const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const attributes = (tag: string) => Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k, unescape(v!)]));
/** The picture's top-level groups of one class (`state`, `catch`, `choice`…), each with its first path, rect and label lines. */
const groups = (svg: string, kind: string): Element[] =>
  [...svg.matchAll(/<g (class="[^"]*"[^>]*)>(.*?)<\/g>/gs)]
    .map(([, open, body]) => ({
      ...attributes(open!),
      path: attributes(/<path [^>]*>/.exec(body!)?.[0] ?? ''),
      rect: attributes(/<rect [^>]*>/.exec(body!)?.[0] ?? ''),
      label: [...body!.matchAll(/<tspan [^>]*>([^<]*)<\/tspan>/g)].map(([, text]) => unescape(text!)),
    }))
    .filter((g) => String(g.class).split(' ').includes(kind));
const labelOf = (edge: Element) => edge.label as string[];
const box = (path: string) => path.split(/[ML ]+/).filter(Boolean).map((p) => p.split(',').map(Number) as [number, number]);

describe('the workflow picture (elkjs)', () => {
  it('labels every Catch transition with its errors and every Choice transition with its condition, Default "otherwise"', async () => {
    const svg = await renderSvg(workflows.kinesis, 'kinesis');
    const catches = groups(svg, 'catch');
    const definition = JSON.parse(renderAsl(workflows.kinesis));
    const expected = Object.entries(definition.States as Record<string, any>).flatMap(([name, s]) => (s.Catch ?? []).map((c: any) => ({ from: name, to: c.Next, label: [`catch ${c.ErrorEquals.join(', ')}`] })));
    expect(catches.map((g) => ({ from: g['data-from'], to: g['data-to'], label: labelOf(g) }))).toStrictEqual(expected);
    expect(catches.every((g) => g.path['stroke-dasharray'] && g.path.stroke === '#c62828')).toBe(true);
    const choices = [...groups(svg, 'choice'), ...groups(svg, 'default')].map((g) => ({ to: g['data-to'], label: labelOf(g) }));
    expect(choices).toStrictEqual([
      { to: 'Wait before redelivery', label: ['$.counts.failed > 0', 'and $.retry.again == true', 'and $.retry.elapsedSeconds < 140', 'and $.retry.delaySeconds <= 16'] },
      { to: 'Back up failed and quarantined records', label: ['$.counts.failed > 0', 'or $.counts.quarantined > 0'] },
      { to: 'Account for every record', label: ['otherwise'] },
    ]);
  });

  it('lays the main chain in a column and the Catch paths beside it, not down it', async () => {
    const svg = await renderSvg(workflows.kinesis, 'kinesis');
    const rect = (name: string) => (groups(svg, 'state').find((g) => g['data-state'] === name)!.rect as Element);
    const right = (name: string) => Number(rect(name).x) + Number(rect(name).width);
    const chain = ['Decode records', 'Validate records', 'Enrich records'];
    // a straight chain: one x for all three, each below the one before
    expect(new Set(chain.map((n) => rect(n).x)).size).toBe(1);
    expect(chain.map((n) => Number(rect(n).y))).toStrictEqual([...chain.map((n) => Number(rect(n).y))].sort((a, b) => a - b));
    // the failure tail is right of the whole chain, and every Catch path leaves its state by its right side
    const tail = Number(rect('Back up whole input').x);
    for (const name of [...chain, 'Deliver to sinks', 'Account for every record']) expect(tail).toBeGreaterThan(right(name));
    for (const edge of groups(svg, 'catch').filter((g) => g['data-to'] === 'Back up whole input')) expect(Math.abs(box(edge.path.d)[0]![0] - right(edge['data-from']))).toBeLessThanOrEqual(1);
  });

  it('draws a Map as a box around its processor', async () => {
    const call = (next?: string) => ({ Type: 'Task', Resource: 'arn:x', ...(next ? { Next: next } : { End: true }) });
    const svg = await renderSvg(
      { StartAt: 'Each', States: { Each: { Type: 'Map', ItemProcessor: { StartAt: 'A', States: { A: call('B'), B: call() } }, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }], End: true }, Failed: { Type: 'Fail' } } },
      'map',
    );
    const rect = (name: string) => groups(svg, 'state').find((g) => g['data-state'] === name)!.rect as Element;
    const [map, a, b] = ['Each', 'A', 'B'].map(rect).map((r) => ({ x: Number(r.x), y: Number(r.y), r: Number(r.x) + Number(r.width), b: Number(r.y) + Number(r.height) }));
    for (const inner of [a!, b!]) expect(inner.x > map!.x && inner.r < map!.r && inner.y > map!.y && inner.b < map!.b).toBe(true);
    expect(groups(svg, 'next').map((g) => `${g['data-from']}→${g['data-to']}`)).toStrictEqual(['A→B']);
  });
});
