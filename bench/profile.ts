import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { flameGraph } from './flame-graph.ts';
import { ownerOf, placeOf, type Profile, type ProfileNode } from './frames.ts';

/**
 * Runs `work` under V8's CPU profiler: writes the profile as `<base>.cpuprofile` (Chrome DevTools and
 * speedscope open it as a flame chart to zoom) and as a flame graph, `<base>.flame.svg`, and returns the
 * functions with the most self time and each owner's share of the time.
 */
export async function profiled<T>(base: string, title: string, work: () => Promise<T>): Promise<{ result: T; top: { place: string; share: number }[]; owners: { owner: string; share: number }[] }> {
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
  await writeFile(`${base}.cpuprofile`, JSON.stringify(profile));
  await writeFile(`${base}.flame.svg`, flameGraph(profile, title));
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
