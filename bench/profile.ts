import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
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

/**
 * Runs `work` under V8's CPU profiler: writes the profile (`.cpuprofile`, which Chrome DevTools and
 * speedscope show as a flame chart) and returns the functions with the most self time, as shares.
 */
export async function profiled<T>(file: string, work: () => Promise<T>): Promise<{ result: T; top: { place: string; share: number }[] }> {
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
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    total += delta;
    const place = placeOf(byId.get(id)!.callFrame);
    self.set(place, (self.get(place) ?? 0) + delta);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([place, time]) => ({ place, share: time / total }));
  return { result, top };
}
