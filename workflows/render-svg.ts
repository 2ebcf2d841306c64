import elkjs, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { AslDefinition, AslState, Catcher } from './asl/types.ts';
import { conditionLines } from './choice-condition.ts';

/** How a state fared in one execution, as its trace tells. */
export type Outcome = 'succeeded' | 'failed' | 'caught' | 'retried';

/** What one execution did in a state: how often it entered, failed, was retried and caught, how long it took. */
export interface Visit {
  entered: number;
  failed: number;
  retried: number;
  caught: number;
  /** Entered to exited, summed over every entry. */
  durationMs: number;
}

/** One execution drawn on the graph: its states' visits, and the transitions it took (`from→to`). */
export interface ExecutionPath {
  visits: Record<string, Visit>;
  taken: Set<string>;
}

interface Edge {
  from: string;
  to: string;
  kind: 'next' | 'choice' | 'default' | 'catch';
  lines: string[];
}

const NODE_H = 40;
const FONT = 12;
const LABEL_FONT = 10;
const MARGIN = 24;
const HEADER = 56;

const FILL: Record<string, string> = { Task: '#e3f2fd', Choice: '#fff8e1', Wait: '#f3e5f5', Pass: '#e8f5e9', Map: '#e0f7fa', Fail: '#ffebee', Succeed: '#e8f5e9' };
const LOOK: Record<Outcome | 'not visited', string> = {
  succeeded: 'fill="#e8f5e9" stroke="#2e7d32" stroke-width="2.5"',
  retried: 'fill="#fff3e0" stroke="#ef6c00" stroke-width="2.5"',
  caught: 'fill="#fbe9e7" stroke="#d84315" stroke-width="2.5" stroke-dasharray="6 3"',
  failed: 'fill="#ffcdd2" stroke="#c62828" stroke-width="2.5"',
  'not visited': 'fill="#fafafa" stroke="#cfd8dc" opacity="0.6"',
};
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// no font metrics without a browser: an average sans-serif glyph is about 0.6 of the font size wide
const textWidth = (text: string, size: number) => Math.ceil(text.length * size * 0.6);

/** A failure that was neither retried nor caught ended the state (the engine reports a failure per attempt). */
export function outcomeOf(visit: Visit): Outcome {
  if (visit.caught > 0) return 'caught';
  if (visit.failed > visit.retried) return 'failed';
  return visit.retried > 0 ? 'retried' : 'succeeded';
}

const duration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);

function edgesOf(definition: AslDefinition, edges: Edge[] = []): Edge[] {
  for (const [name, state] of Object.entries(definition.States)) {
    if (typeof state.Next === 'string') edges.push({ from: name, to: state.Next, kind: 'next', lines: [] });
    for (const rule of (state.Choices as (Record<string, unknown> & { Next: string })[] | undefined) ?? []) edges.push({ from: name, to: rule.Next, kind: 'choice', lines: conditionLines(rule) });
    if (typeof state.Default === 'string') edges.push({ from: name, to: state.Default, kind: 'default', lines: ['otherwise'] });
    for (const c of (state.Catch as Catcher[] | undefined) ?? []) edges.push({ from: name, to: c.Next, kind: 'catch', lines: [`catch ${c.ErrorEquals.join(', ')}`] });
    if (state.ItemProcessor) edgesOf(state.ItemProcessor as AslDefinition, edges);
  }
  return edges;
}

function subtitle(state: AslState, visit: Visit | undefined): string {
  if (!visit) return state.Type;
  const parts = [state.Type, visit.entered > 1 ? `×${visit.entered}` : '', visit.retried ? `retried ${visit.retried}` : '', visit.caught ? 'caught' : outcomeOf(visit) === 'failed' ? 'failed' : '', duration(visit.durationMs)];
  return parts.filter(Boolean).join(' · ');
}

/** The states as ELK nodes, a Map's processor as the children of its node (drawn as a box around them). */
function nodesOf(definition: AslDefinition, visits: Record<string, Visit> | undefined, states: Map<string, AslState>): ElkNode[] {
  return Object.entries(definition.States).map(([name, state]) => {
    states.set(name, state);
    const width = Math.max(180, textWidth(name, FONT), textWidth(subtitle(state, visits?.[name]), LABEL_FONT)) + 24;
    // Catch transitions leave by the state's right side, so that they run beside the chain, not down it
    const catches = Array.isArray(state.Catch) && state.Catch.length > 0;
    const ports = catches ? { ports: [{ id: `${name}:catch`, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'EAST' } }] } : {};
    const sides: Record<string, string> = catches ? { 'elk.portConstraints': 'FIXED_SIDE' } : {};
    const processor = state.ItemProcessor as AslDefinition | undefined;
    if (!processor) return { id: name, width, height: NODE_H, layoutOptions: sides, ...ports };
    return { id: name, layoutOptions: { ...sides, 'elk.padding': '[top=36,left=16,bottom=16,right=16]' }, ...ports, children: nodesOf(processor, visits, states) };
  });
}

/**
 * Main-flow transitions pull their states into a straight column; Catch transitions count for nothing in
 * that, so the failure tail is laid beside the chain (the model order puts it right of it).
 */
function elkEdge(edge: Edge, i: number): ElkExtendedEdge {
  const main = edge.kind !== 'catch';
  return {
    id: `e${i}`,
    sources: [main ? edge.from : `${edge.from}:catch`],
    targets: [edge.to],
    layoutOptions: { 'elk.layered.priority.straightness': main ? '10' : '0', 'elk.layered.priority.direction': main ? '10' : '0' },
    labels: edge.lines.length ? [{ text: edge.lines.join('\n'), layoutOptions: { 'elk.edgeLabels.placement': main ? 'CENTER' : 'TAIL', 'elk.edgeLabels.inline': String(main) }, width: Math.max(...edge.lines.map((l) => textWidth(l, LABEL_FONT))) + 8, height: edge.lines.length * (LABEL_FONT + 3) + 4 }] : [],
  };
}

// a CommonJS module: its constructor is also its `default`, which is what TypeScript sees
const elk = new elkjs.default();

/**
 * The workflow as a picture, laid out by elkjs (layered, top to bottom, orthogonal edges): the main chain
 * in a column, Catch transitions dashed red beside it and labelled with their errors, Choice transitions
 * with their conditions, a Map's processor inside its box. With `path` (one execution's trace), states are
 * coloured by outcome with their durations, and the transitions taken stand out.
 */
export async function renderSvg(definition: AslDefinition, title: string, path?: ExecutionPath): Promise<string> {
  const states = new Map<string, AslState>();
  const edges = edgesOf(definition);
  const graph: ElkNode = await elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
      'elk.spacing.nodeNode': '48',
      'elk.layered.spacing.nodeNodeBetweenLayers': '44',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeEdge': '14',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: nodesOf(definition, path?.visits, states),
    edges: edges.map(elkEdge),
  });

  // boxes of Maps first, then transitions, then states: a box must not hide the transitions inside it
  const boxes: string[] = [];
  const parts: string[] = [];
  const drawn: string[] = [];
  const visitOf = (name: string) => path?.visits[name];
  const drawNodes = (nodes: ElkNode[]) => {
    for (const node of nodes) {
      const state = states.get(node.id)!;
      const visit = visitOf(node.id);
      const outcome = path ? (visit ? outcomeOf(visit) : 'not visited') : undefined;
      const look = outcome ? LOOK[outcome] : `fill="${FILL[state.Type] ?? '#fff'}" stroke="#546e7a"`;
      const [x, y, w, h] = [node.x!, node.y!, node.width!, node.height!];
      const attributes = `class="state ${outcome ? outcome.replace(' ', '-') : state.Type}" data-state="${escape(node.id)}"${visit ? ` data-outcome="${outcome}" data-duration-ms="${visit.durationMs}" data-entered="${visit.entered}"` : ''}`;
      const open = `<g ${attributes}><title>${escape(String(state.Comment ?? node.id))}</title>`;
      if (node.children?.length) {
        boxes.push(`${open}<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" ${look.replace(/fill="[^"]*"/, 'fill="#f7fdfd"')} stroke-dasharray="6 4"/>`);
        boxes.push(`<text x="${x + 10}" y="${y + 16}" font-size="${FONT}" font-weight="bold">${escape(node.id)}</text><text class="subtitle" x="${x + 10}" y="${y + 29}" font-size="${LABEL_FONT}" fill="#00838f">${escape(subtitle(state, visit))} · its processor, once per item</text></g>`);
        drawNodes(node.children);
        continue;
      }
      drawn.push(`${open}<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${state.Type === 'Choice' ? h / 2 : 4}" ${look}/>`);
      drawn.push(`<text x="${x + w / 2}" y="${y + 17}" font-size="${FONT}" text-anchor="middle">${escape(node.id)}</text>`);
      drawn.push(`<text class="subtitle" x="${x + w / 2}" y="${y + 31}" font-size="${LABEL_FONT - 1}" text-anchor="middle" fill="#607d8b">${escape(subtitle(state, visit))}</text></g>`);
    }
  };
  drawNodes(graph.children ?? []);
  (graph.edges ?? []).forEach((laid, i) => {
    const edge = edges[i]!;
    const taken = path?.taken.has(`${edge.from}→${edge.to}`) ?? false;
    const points = (laid.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
    const d = points.map((p, j) => `${j ? 'L' : 'M'}${p.x},${p.y}`).join(' ');
    const colour = edge.kind === 'catch' ? '#c62828' : taken ? '#1565c0' : '#546e7a';
    const stroke = `stroke="${colour}" stroke-width="${taken ? 3 : 1.3}"${edge.kind === 'catch' ? ' stroke-dasharray="5 3"' : ''}${path && !taken ? ' opacity="0.45"' : ''}`;
    parts.push(`<g class="edge ${edge.kind}${taken ? ' taken' : ''}" data-from="${escape(edge.from)}" data-to="${escape(edge.to)}"><path d="${d}" fill="none" ${stroke} marker-end="url(#arrow-${edge.kind === 'catch' ? 'catch' : 'flow'})"/>`);
    for (const label of laid.labels ?? []) {
      const fill = edge.kind === 'catch' ? '#c62828' : '#6d4c41';
      const lines = edge.lines.map((line, j) => `<tspan x="${label.x! + 4}" y="${label.y! + 2 + (j + 1) * (LABEL_FONT + 3) - 3}">${escape(line)}</tspan>`).join('');
      parts.push(`<rect x="${label.x}" y="${label.y}" width="${label.width}" height="${label.height}" fill="white" opacity="0.85"/><text class="label" font-size="${LABEL_FONT}" fill="${fill}">${lines}</text>`);
    }
    parts.push('</g>');
  });

  const legend = path
    ? (['succeeded', 'retried', 'caught', 'failed', 'not visited'] as const).map((o, i) => `<rect x="${MARGIN + i * 110}" y="${MARGIN + 30}" width="14" height="10" ${LOOK[o]}/><text x="${MARGIN + 18 + i * 110}" y="${MARGIN + 39}" font-size="10">${o}</text>`).join('')
    : `<text x="${MARGIN}" y="${MARGIN + 38}" font-size="10" fill="#c62828">dashed red: Catch (the whole input is backed up, then the execution fails)</text>`;
  const width = Math.ceil(graph.width!) + MARGIN * 2;
  const height = Math.ceil(graph.height!) + MARGIN * 2 + HEADER;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<defs><marker id="arrow-flow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#455a64"/></marker><marker id="arrow-catch" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c62828"/></marker></defs>
<rect width="100%" height="100%" fill="white"/>
<text x="${MARGIN}" y="${MARGIN + 8}" font-size="15" font-weight="bold">${escape(title)}</text>
${legend}
<g transform="translate(${MARGIN},${MARGIN + HEADER})">
${[...boxes, ...parts, ...drawn].join('\n')}
</g>
</svg>
`;
}
