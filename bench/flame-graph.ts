import { ownerOf, placeOf, type Profile, type ProfileNode } from './frames.ts';

/** One frame of the merged call tree: the time spent in it (self) and under it (total), in microseconds. */
interface Frame {
  place: string;
  owner: string;
  self: number;
  total: number;
  children: Map<string, Frame>;
}

const WIDTH = 1200;
const ROW = 17;
const PAD = 10;
/** Where the legend of owners starts, below the title and its explanation. */
const LEGEND_TOP = 38;
/** Frames narrower than this many pixels are left out (their time still counts in their callers' width). */
const MIN_WIDTH = 1;
/** Rows drawn at most: deeper calls (Ajv compiling a schema recurses ~250 deep) count in the last row's width. */
const MAX_DEPTH = 48;
/** Average advance of a character of the 11 px monospace labels. */
const CHAR = 6.7;
/** (idle) is time the thread waited, not CPU: it is said in the title, not drawn. */
const NOT_DRAWN = '(idle)';

/** Colours of the owners `profiled` names: the same owner, the same colour, in every graph. */
const COLOURS: Record<string, string> = {
  engine: '#e9a23b',
  s3rver: '#d9534f',
  dynalite: '#c77dba',
  sdk: '#5b8def',
  claimChecks: '#8d6e63',
  decode: '#43a047',
  validate: '#66bb6a',
  enrich: '#9ccc65',
  deliver: '#26a69a',
  backup: '#80cbc4',
  account: '#7cb342',
  'tasks (shared)': '#aed581',
  'io-ts': '#ffb74d',
  'local engine': '#ffcc80',
  ajv: '#c5e1a5',
  'garbage collector': '#9e9e9e',
  program: '#bdbdbd',
  other: '#b0bec5',
};
const colourOf = (owner: string) => COLOURS[owner] ?? COLOURS.other!;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The profile's nodes merged by frame under each caller (V8 can give one frame several nodes), with their times. */
function callTree(profile: Profile): { root: Frame; idle: number; sampled: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const self = new Map<number, number>();
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    sampled += delta;
    self.set(id, (self.get(id) ?? 0) + delta);
  });
  const rootNode = profile.nodes.find((node) => !parent.has(node.id))!;
  let idle = 0;
  const merge = (node: ProfileNode, into: Frame, intoKey: string): void => {
    into.self += self.get(node.id) ?? 0;
    for (const childId of node.children ?? []) {
      const child = byId.get(childId)!;
      if (child.callFrame.functionName === NOT_DRAWN) {
        idle += subtreeTime(child, byId, self);
        continue;
      }
      const key = `${child.callFrame.functionName}\u0000${child.callFrame.url}\u0000${child.callFrame.lineNumber}`;
      // a function calling itself is one box, not a tower of them (cloneJSON walks a payload's depth)
      if (key === intoKey) {
        merge(child, into, intoKey);
        continue;
      }
      let frame = into.children.get(key);
      if (!frame) into.children.set(key, (frame = { place: placeOf(child.callFrame), owner: ownerOf(child, parent), self: 0, total: 0, children: new Map() }));
      merge(child, frame, key);
    }
  };
  const root: Frame = { place: 'all', owner: 'other', self: 0, total: 0, children: new Map() };
  merge(rootNode, root, '');
  const sum = (frame: Frame): number => (frame.total = frame.self + [...frame.children.values()].reduce((total, child) => total + sum(child), 0));
  sum(root);
  return { root, idle, sampled };
}

function subtreeTime(node: ProfileNode, byId: Map<number, ProfileNode>, self: Map<number, number>): number {
  return (self.get(node.id) ?? 0) + (node.children ?? []).reduce((total, id) => total + subtreeTime(byId.get(id)!, byId, self), 0);
}

/**
 * A CPU profile as a flame graph, in SVG, drawn top down (an icicle: the wide boxes, where the time goes,
 * come first on the page): one box per function in a call path, as wide as the time spent in it and what
 * it called, the functions it called below it; coloured by owner (the engine, s3rver, the SDK, a task...), with a
 * legend of each owner's share of the CPU. Hovering a box shows its function, place and time. It opens in any
 * browser, and needs nothing beside it (the `.cpuprofile` beside it opens in Chrome DevTools or speedscope to zoom).
 * Drawn here rather than by a package: V8's profile is already the call tree, so this is one pass of layout;
 * the packages that draw flame graphs do it in a browser page with d3 (d3-flame-graph), as an app to open
 * (speedscope, 0x), or are unmaintained (flamegraph 1.3).
 */
export function flameGraph(profile: Profile, title: string): string {
  const { root, idle, sampled } = callTree(profile);
  const scale = (WIDTH - 2 * PAD) / Math.max(root.total, 1);
  const boxes: { depth: number; x: number; width: number; frame: Frame }[] = [];
  const ownerTime = new Map<string, number>();
  const lay = (frame: Frame, depth: number, x: number): void => {
    ownerTime.set(frame.owner, (ownerTime.get(frame.owner) ?? 0) + frame.self);
    let at = x;
    for (const child of [...frame.children.values()].sort((a, b) => a.place.localeCompare(b.place))) {
      const width = child.total * scale;
      if (width >= MIN_WIDTH && depth < MAX_DEPTH) {
        boxes.push({ depth, x: at, width, frame: child });
        lay(child, depth + 1, at);
      } else ownerTime.set(child.owner, (ownerTime.get(child.owner) ?? 0) + child.total);
      at += width;
    }
  };
  lay(root, 0, PAD);
  const ms = (us: number) => (us / 1000).toFixed(0);
  const share = (us: number) => `${((100 * us) / Math.max(root.total, 1)).toFixed(1)}%`;
  // the legend first: its rows set where the graph starts
  const legend: string[] = [];
  let legendX = PAD;
  let legendY = LEGEND_TOP;
  for (const [owner, time] of [...ownerTime.entries()].filter(([, time]) => time > 0).sort((a, b) => b[1] - a[1])) {
    const text = `${owner} ${share(time)}`;
    const width = 24 + text.length * CHAR;
    if (legendX + width > WIDTH - PAD) {
      legendX = PAD;
      legendY += ROW;
    }
    legend.push(`<rect x="${legendX}" y="${legendY}" width="10" height="10" fill="${colourOf(owner)}"/><text x="${legendX + 14}" y="${legendY + 9}">${escape(text)}</text>`);
    legendX += width;
  }
  const depth = boxes.reduce((most, box) => Math.max(most, box.depth + 1), 0);
  const top = legendY + ROW + 8;
  const height = top + depth * ROW + PAD;
  const rects = boxes.map(({ depth: d, x, width, frame }) => {
    const y = top + d * ROW;
    const chars = Math.floor((width - 6) / CHAR);
    const name = frame.place.length <= chars ? frame.place : `${frame.place.slice(0, chars - 1)}…`;
    const label = chars >= 3 ? `<text x="${(x + 3).toFixed(1)}" y="${y + 12}">${escape(name)}</text>` : '';
    return `<g><title>${escape(`${frame.place} (${frame.owner}): ${ms(frame.total)} ms, ${share(frame.total)} (self ${ms(frame.self)} ms)`)}</title><rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${ROW - 1}" fill="${colourOf(frame.owner)}" rx="2"/>${label}</g>`;
  });
  const subtitle = `${ms(root.total)} ms of CPU sampled; idle ${ms(idle)} ms of ${ms(sampled)} not drawn. Width: time in a function and what it called, below it; stacks cut at ${MAX_DEPTH} calls. Hover a box for its time.`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="monospace" font-size="11">
<rect width="100%" height="100%" fill="white"/>
<text x="${PAD}" y="18" font-family="sans-serif" font-size="15" font-weight="bold">${escape(title)}</text>
<text x="${PAD}" y="31" font-family="sans-serif" font-size="11" fill="#444">${escape(subtitle)}</text>
${legend.join('\n')}
${rects.join('\n')}
</svg>
`;
}
