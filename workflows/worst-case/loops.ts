/**
 * Loops that nothing bounds: cycles of the graph once the edges behind an elapsed-time guard are taken
 * out. Found on the structure rather than by watching values grow, so that a loop of states that cost
 * nothing (Choice → Pass → Choice), which still runs until the execution timeout, is caught too.
 */
import type { Cause } from './cost.ts';
import type { Edge } from './scope.ts';

/** Strongly connected components (Tarjan), over `order`, following `next`. */
function components(order: string[], next: (name: string) => string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (name: string) => {
    index.set(name, index.size);
    low.set(name, index.get(name)!);
    stack.push(name);
    onStack.add(name);
    for (const to of next(name)) {
      if (!index.has(to)) {
        visit(to);
        low.set(name, Math.min(low.get(name)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(name, Math.min(low.get(name)!, index.get(to)!));
    }
    if (low.get(name) === index.get(name)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== name);
      found.push(component);
    }
  };
  for (const name of order) if (!index.has(name)) visit(name);
  return found;
}

/** The shortest way from `start` back to itself inside `members` (breadth first). */
function cycleThrough(start: string, members: Set<string>, next: (name: string) => string[]): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const to of next(queue[i]!)) {
      if (to === start) {
        const cycle = [queue[i]!];
        while (cycle[0] !== start) cycle.unshift(parent.get(cycle[0]!)!);
        return [...cycle, start];
      }
      if (members.has(to) && !parent.has(to)) {
        parent.set(to, queue[i]!);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

/** One cause per unguarded loop, named after the loop's state reached first from the start. */
export function unguardedLoops(order: string[], edges: Map<string, Edge[]>): Cause[] {
  const next = (name: string) => edges.get(name)!.filter((edge) => edge.cap === undefined).map((edge) => edge.to);
  const rank = new Map(order.map((name, i) => [name, i]));
  const causes: Cause[] = [];
  for (const component of components(order, next)) {
    const first = component.reduce((a, b) => (rank.get(a)! <= rank.get(b)! ? a : b));
    if (component.length === 1 && !next(first).includes(first)) continue;
    const loop = cycleThrough(first, new Set(component), next);
    causes.push({ state: first, reason: `loop <${loop.join(' → ')}> has no elapsed-time guard` });
  }
  return causes.sort((a, b) => rank.get(a.state)! - rank.get(b.state)!);
}
