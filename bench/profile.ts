import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `name package-or-file:line`: where a function lives, short enough for a line of the bench. */
function placeOf(frame: ProfileNode['callFrame']): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1];
  const file = module ?? (frame.url ? frame.url.split('/').slice(-2).join('/') : '');
  return `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
}

/** Who owns a frame's time, by where its code lives; undefined: ask its caller (built-ins, Node's own modules). */
const OWNERS: [RegExp, string][] = [
  [/node_modules\/aws-local-stepfunctions\//, 'engine'],
  [/node_modules\/(s3rver|koa[a-z-]*|@koa|xml2js|xmlbuilder|busboy|fs-extra|graceful-fs)\//, 's3rver'],
  [/node_modules\/(dynalite|[a-z-]*level[a-z-]*|lock|once|async|big\.js)\//, 'dynalite'],
  [/node_modules\/(@aws-sdk|@smithy|fast-xml-parser)\//, 'sdk'],
  [/tasks\/shared\/claim-check\.ts/, 'claimChecks'],
  [/tasks\/(decode|validate|enrich|deliver|backup|account)\//, '$1'],
  [/node_modules\/(io-ts|fp-ts)\//, 'io-ts'],
  [/\/(tasks|contracts)\//, 'tasks (shared)'],
  [/\/local\//, 'local engine'],
  [/node_modules\/(ajv|ajv-formats)\//, 'ajv'],
];
const SPECIAL = new Set(['(garbage collector)', '(idle)', '(program)']);

function ownerOf(node: ProfileNode, parent: Map<number, ProfileNode>): string {
  if (SPECIAL.has(node.callFrame.functionName)) return node.callFrame.functionName.slice(1, -1);
  for (let at: ProfileNode | undefined = node; at; at = parent.get(at.id)) {
    for (const [pattern, owner] of OWNERS) {
      const match = pattern.exec(at.callFrame.url);
      if (match) return owner.replace('$1', match[1] ?? '');
    }
  }
  return 'other';
}

/**
 * Runs `work` under V8's CPU profiler: writes the profile (`.cpuprofile`, which Chrome DevTools and
 * speedscope show as a flame chart) and returns the functions with the most self time, as shares.
 */
export async function profiled<T>(file: string, work: () => Promise<T>): Promise<{ result: T; top: { place: string; share: number }[]; owners: { owner: string; share: number }[] }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  let result: T;
  let profile!: Profile;
  try {
    result = await work();
  } finally {
    ({ profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile });
    session.disconnect();
  }
  await writeFile(file, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  const self = new Map<string, number>();
  const owned = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const node = byId.get(id)!;
    const place = placeOf(node.callFrame);
    self.set(place, (self.get(place) ?? 0) + delta);
    const owner = ownerOf(node, parent);
    owned.set(owner, (owned.get(owner) ?? 0) + delta);
  });
  const shares = (map: Map<string, number>) => [...map.entries()].sort((a, b) => b[1] - a[1]).map(([key, time]) => [key, time / total] as const);
  const top = shares(self).slice(0, 8).map(([place, share]) => ({ place, share }));
  const owners = shares(owned).map(([owner, share]) => ({ owner, share }));
  return { result, top, owners };
}
