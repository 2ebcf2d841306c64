/**
 * The latest time each state of a scope can be left, by relaxation over its graph, and the path that
 * leads to the latest of them. See ../worst-case.ts for the model.
 */
import { stateCost, type Cause } from './cost.ts';
import { unguardedLoops } from './loops.ts';
import { edgesOf, isTerminal, readScope, type Edge } from './scope.ts';

export interface Step {
  state: string;
  /** Latest time the state is left, in seconds from the start of the scope; absent on the way to a guard. */
  at?: number;
  /** `caught`: the next step is this state's Catch; `elapsed ≤ N s`: this Choice's guard, taken by N s. */
  note?: string;
}

export type Outcome = { seconds: number; steps: Step[] } | { causes: Cause[] };

/** States reachable from the start, breadth first, with the edges out of each. */
function explore(startAt: string, edgesFrom: (name: string) => Edge[]) {
  const order = [startAt];
  const edges = new Map<string, Edge[]>();
  for (let i = 0; i < order.length; i++) {
    const out = edgesFrom(order[i]!);
    edges.set(order[i]!, out);
    for (const edge of out) if (!order.includes(edge.to)) order.push(edge.to);
  }
  return { order, edges };
}

/** Kahn's order over the edges no guard caps: a DAG once unguarded loops are ruled out. */
function topological(order: string[], uncapped: Edge[]): string[] {
  const indegree = new Map(order.map((name) => [name, 0]));
  for (const edge of uncapped) indegree.set(edge.to, indegree.get(edge.to)! + 1);
  const sorted = order.filter((name) => indegree.get(name) === 0);
  for (let i = 0; i < sorted.length; i++) {
    for (const edge of uncapped) {
      if (edge.from !== sorted[i]) continue;
      indegree.set(edge.to, indegree.get(edge.to)! - 1);
      if (indegree.get(edge.to) === 0) sorted.push(edge.to);
    }
  }
  return sorted;
}

export function analyseScope(definition: unknown, where: string): Outcome {
  const scope = readScope(definition, where);
  const { order, edges } = explore(scope.startAt, (name) => edgesOf(name, scope));
  const all = [...edges.values()].flat();
  const cost = new Map<string, number>();
  const causes: Cause[] = [];
  for (const name of order) {
    const incoming = all.filter((edge) => edge.to === name);
    const found = stateCost(name, scope.states, incoming, name === scope.startAt, (branch, parallel) => {
      const outcome = analyseScope(branch, parallel);
      return 'causes' in outcome ? outcome.causes : outcome.seconds;
    });
    if (typeof found === 'number') cost.set(name, found);
    else causes.push(...found);
  }
  causes.push(...unguardedLoops(order, edges));
  if (causes.length > 0) return { causes };

  const capped = all.filter((edge) => edge.cap !== undefined);
  const sorted = topological(order, all.filter((edge) => edge.cap === undefined));
  const entered = new Map<string, number>([[scope.startAt, 0]]);
  const left = (name: string) => (entered.get(name) ?? -Infinity) + cost.get(name)!;
  // what each guarded edge carries into its target: the latest its source is left, but never past the guard
  const carried = capped.map(() => -Infinity);
  const saturated = capped.map(() => false);
  const best = new Map<string, Edge>();
  const first = new Map<string, Edge>();
  const incoming = new Map(order.map((name) => [name, all.filter((edge) => edge.to === name)]));
  // Rounds are passes over the DAG, so a loop's wave crosses one guard a round: after `window` rounds any
  // guard still growing is fed by a loop that gains time on every lap, and in `window` more rounds every
  // guard on such a loop has grown at least once.
  const window = capped.length + 1;
  const decideAt = Math.max(order.length + 2, 2 * window);
  let growing = new Set<number>();
  for (let round = 0, since = 0; ; round++, since++) {
    let changed = false;
    for (const name of sorted) {
      for (const edge of incoming.get(name)!) {
        const value = edge.cap === undefined ? left(edge.from) : carried[capped.indexOf(edge)]!;
        if (value > (entered.get(name) ?? -Infinity)) {
          entered.set(name, value);
          best.set(name, edge);
          if (name !== scope.startAt && !first.has(name)) first.set(name, edge);
          changed = true;
        }
      }
    }
    const grew: number[] = [];
    capped.forEach((edge, i) => {
      const value = Math.min(edge.cap!, left(edge.from));
      if (value > carried[i]!) {
        carried[i] = value;
        grew.push(i);
      }
    });
    if (!changed && grew.length === 0) break;
    if (since >= window) for (const i of grew) growing.add(i);
    // Such a loop runs until a guard stops it, a lap per round: (bound / lap) rounds. The guard with the
    // smallest bound among the growing ones is certain to be reached (all that feeds it grows past its
    // bound), so it jumps there; the values stay at or below the least fixpoint, which they then reach.
    const stuck = { causes: [{ state: capped[grew[0] ?? 0]?.from ?? where, reason: 'the loops through its guards do not settle' }] };
    // each guard is set at most once, then the rest settles as over a DAG: this many rounds is never needed
    if (round > decideAt * (capped.length + 2)) return stuck;
    if (since >= decideAt) {
      const open = [...growing].filter((i) => !saturated[i]);
      if (open.length === 0) return stuck;
      const next = open.reduce((a, b) => (capped[a]!.cap! <= capped[b]!.cap! ? a : b));
      carried[next] = capped[next]!.cap!;
      saturated[next] = true;
      since = 0;
      growing = new Set();
    }
  }

  let worst = scope.startAt;
  for (const name of order) {
    const [a, b] = [left(name), left(worst)];
    if (a > b || (a === b && isTerminal(scope.states[name]!) && !isTerminal(scope.states[worst]!))) worst = name;
  }
  return { seconds: left(worst), steps: pathTo(worst, best, first, left) };
}

/** Back from the worst state along the edges that set each value, until the start or a guard that capped. */
function pathTo(last: string, best: Map<string, Edge>, first: Map<string, Edge>, left: (name: string) => number): Step[] {
  const steps: Step[] = [{ state: last, at: left(last) }];
  const seen = new Set([last]);
  for (let edge = best.get(last); edge !== undefined; edge = best.get(edge.from)) {
    if (edge.cap !== undefined && left(edge.from) >= edge.cap) {
      // the guard, not the way to it, sets the time: show the first way to the guard, without times
      steps.unshift({ state: edge.from, at: edge.cap, note: `elapsed ≤ ${edge.cap} s` });
      for (let back = first.get(edge.from); back !== undefined; back = first.get(back.from)) steps.unshift({ state: back.from });
      break;
    }
    if (seen.has(edge.from)) break;
    seen.add(edge.from);
    steps.unshift({ state: edge.from, at: left(edge.from), ...(edge.kind === 'Catch' ? { note: 'caught' } : {}) });
  }
  return steps;
}
