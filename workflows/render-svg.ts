import type { AslDefinition, AslState } from './asl/types.ts';

/** A node of the drawing: a state, or a state of a Map's processor (drawn inside the Map's box). */
interface Node {
  name: string;
  state: AslState;
  rank: number;
  column: number;
  inMap?: string;
}

interface Edge {
  from: string;
  to: string;
  kind: 'next' | 'choice' | 'catch' | 'map';
  label?: string;
}

const W = 230;
const H = 34;
const GAP_X = 40;
const GAP_Y = 30;
const MARGIN = 56;

const FILL: Record<string, string> = { Task: '#e3f2fd', Choice: '#fff8e1', Wait: '#f3e5f5', Pass: '#e8f5e9', Map: '#e0f7fa', Fail: '#ffebee', Succeed: '#e8f5e9' };
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function collect(definition: AslDefinition, inMap: string | undefined, nodes: Map<string, Node>, edges: Edge[]): void {
  for (const [name, state] of Object.entries(definition.States)) {
    nodes.set(name, { name, state, rank: -1, column: 0, ...(inMap ? { inMap } : {}) });
    if (typeof state.Next === 'string') edges.push({ from: name, to: state.Next, kind: 'next' });
    for (const rule of (state.Choices as { Next: string }[] | undefined) ?? []) edges.push({ from: name, to: rule.Next, kind: 'choice', label: 'when' });
    if (typeof state.Default === 'string') edges.push({ from: name, to: state.Default, kind: 'choice', label: 'otherwise' });
    for (const c of (state.Catch as { Next: string }[] | undefined) ?? []) edges.push({ from: name, to: c.Next, kind: 'catch' });
    const processor = state.ItemProcessor as AslDefinition | undefined;
    if (processor) {
      collect(processor, name, nodes, edges);
      edges.push({ from: name, to: processor.StartAt, kind: 'map' });
    }
  }
}

/**
 * Ranks by shortest distance from the start along normal transitions, a Map's own Next counting only
 * after its processor has ended; states reached only by Catch go below.
 */
function rank(start: string, nodes: Map<string, Node>, edges: Edge[]): void {
  const flow: Edge[] = edges.filter((e) => e.kind !== 'catch' && !(e.kind === 'next' && nodes.get(e.from)!.state.Type === 'Map'));
  for (const map of [...nodes.values()].filter((n) => n.state.Type === 'Map' && typeof n.state.Next === 'string')) {
    for (const end of [...nodes.values()].filter((n) => n.inMap === map.name && n.state.End === true)) flow.push({ from: end.name, to: map.state.Next as string, kind: 'next' });
  }
  const queue = [start];
  nodes.get(start)!.rank = 0;
  while (queue.length > 0) {
    const name = queue.shift()!;
    for (const edge of flow.filter((e) => e.from === name)) {
      const target = nodes.get(edge.to)!;
      if (target.rank === -1) {
        target.rank = nodes.get(name)!.rank + 1;
        queue.push(edge.to);
      }
    }
  }
  const deepest = Math.max(...[...nodes.values()].map((n) => n.rank));
  const unranked = [...nodes.values()].filter((n) => n.rank === -1);
  // the failure tail: reached only by Catch
  const tail = new Map<string, number>();
  for (const node of unranked) {
    const from = edges.find((e) => e.to === node.name && tail.has(e.from));
    tail.set(node.name, from ? tail.get(from.from)! + 1 : 0);
  }
  for (const node of unranked) node.rank = deepest + 1 + (tail.get(node.name) ?? 0);
}

/** What one execution did in a state: how often it entered, failed and was retried there. */
export interface Visit {
  entered: number;
  failed: number;
  retried: number;
}

/**
 * The workflow as a picture: states top to bottom in the order a batch meets them, choices and loops
 * labelled, Catch transitions dashed red, a Map's processor inside its box. Plain SVG, no dependency.
 * With `visits` (one execution's trace), the states it went through stand out, with their counts.
 */
export function renderSvg(definition: AslDefinition, title: string, visits?: Record<string, Visit>): string {
  const nodes = new Map<string, Node>();
  const edges: Edge[] = [];
  collect(definition, undefined, nodes, edges);
  rank(definition.StartAt, nodes, edges);
  const byRank = new Map<number, Node[]>();
  for (const node of nodes.values()) byRank.set(node.rank, [...(byRank.get(node.rank) ?? []), node]);
  for (const row of byRank.values()) {
    // a Map's processor is drawn one column to the right, inside its box
    row.filter((n) => !n.inMap).forEach((node, i) => (node.column = i));
    row.filter((n) => n.inMap).forEach((node, i) => (node.column = 1 + i));
  }
  const columns = Math.max(...[...nodes.values()].map((n) => n.column)) + 1;
  const rows = Math.max(...[...nodes.values()].map((n) => n.rank)) + 1;
  const x = (n: Node) => MARGIN + n.column * (W + GAP_X);
  const y = (n: Node) => MARGIN + 40 + n.rank * (H + GAP_Y);
  const width = MARGIN * 2 + columns * (W + GAP_X);
  const height = MARGIN * 2 + 40 + rows * (H + GAP_Y);

  const parts: string[] = [];
  for (const map of [...nodes.values()].filter((n) => n.state.Type === 'Map')) {
    const inside = [...nodes.values()].filter((n) => n.inMap === map.name);
    const top = Math.min(...inside.map(y)) - 12;
    const bottom = Math.max(...inside.map(y)) + H + 12;
    const left = Math.min(...inside.map(x)) - 12;
    const right = Math.max(...inside.map(x)) + W + 12;
    parts.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" rx="8" fill="none" stroke="#00838f" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${left + 6}" y="${top - 4}" font-size="11" fill="#00838f">inline Map: each chunk</text>`);
  }
  for (const edge of edges) {
    const a = nodes.get(edge.from)!;
    const b = nodes.get(edge.to)!;
    const [x1, y1] = [x(a) + W / 2, y(a) + H];
    const [x2, y2] = [x(b) + W / 2, y(b)];
    const back = b.rank <= a.rank;
    const path = back
      ? `M${x(a)},${y(a) + H / 2} C${x(a) - 40},${y(a) + H / 2} ${x(b) - 40},${y(b) + H / 2} ${x(b)},${y(b) + H / 2}`
      : `M${x1},${y1} C${x1},${(y1 + y2) / 2} ${x2},${(y1 + y2) / 2} ${x2},${y2}`;
    const style = edge.kind === 'catch' ? 'stroke="#c62828" stroke-dasharray="4 3" opacity="0.45"' : edge.kind === 'map' ? 'stroke="#00838f"' : 'stroke="#455a64"';
    parts.push(`<path d="${path}" fill="none" ${style} marker-end="url(#arrow)"/>`);
    if (edge.label && edge.kind !== 'catch') {
      const [lx, ly] = back ? [x(b) - 44, (y(a) + y(b)) / 2 + H / 2] : [(x1 + x2) / 2 + 6, (y1 + y2) / 2 + 4];
      parts.push(`<text x="${lx}" y="${ly}" font-size="10" fill="#6d4c41" text-anchor="${back ? 'end' : 'start'}">${escape(edge.label)}</text>`);
    }
  }
  for (const node of nodes.values()) {
    const shape = node.state.Type === 'Choice' ? 'rx="17"' : 'rx="4"';
    const visit = visits?.[node.name];
    const look = !visits
      ? `fill="${FILL[node.state.Type] ?? '#fff'}" stroke="#546e7a"`
      : !visit
        ? `fill="#fafafa" stroke="#cfd8dc" opacity="0.55"`
        : visit.failed > 0
          ? `fill="#ffcdd2" stroke="#c62828" stroke-width="2"`
          : `fill="${FILL[node.state.Type] ?? '#fff'}" stroke="#2e7d32" stroke-width="2.5"`;
    parts.push(`<g class="state${visit ? ' visited' : ''}${visit?.failed ? ' failed' : ''}" data-state="${escape(node.name)}"><title>${escape(String(node.state.Comment ?? ''))}</title><rect x="${x(node)}" y="${y(node)}" width="${W}" height="${H}" ${shape} ${look}/>`);
    parts.push(`<text x="${x(node) + W / 2}" y="${y(node) + 15}" font-size="12" text-anchor="middle">${escape(node.name)}</text>`);
    const counts = visit ? [visit.entered > 1 ? `×${visit.entered}` : '', visit.retried > 0 ? `retried ${visit.retried}` : '', visit.failed > 0 ? `failed ${visit.failed}` : ''].filter(Boolean).join(' · ') : '';
    parts.push(`<text x="${x(node) + W / 2}" y="${y(node) + 28}" font-size="9" text-anchor="middle" fill="#78909c">${node.state.Type}${counts ? ` · ${counts}` : ''}</text></g>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#455a64"/></marker></defs>
<rect width="100%" height="100%" fill="white"/>
<text x="${MARGIN}" y="${MARGIN + 8}" font-size="15" font-weight="bold">${escape(title)}</text>
<text x="${MARGIN}" y="${MARGIN + 24}" font-size="10" fill="#c62828">dashed red: Catch (the whole input is backed up, then the execution fails)</text>
${parts.join('\n')}
</svg>
`;
}
