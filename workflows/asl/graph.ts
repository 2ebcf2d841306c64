import type { AslDefinition, AslState } from './types.ts';

/** Thrown while a workflow is being built, so a broken graph never renders. */
export class GraphError extends Error {
  override readonly name = 'GraphError';
}

/** The names a state can move to. */
export function targets(state: AslState): string[] {
  const found: string[] = [];
  if (typeof state.Next === 'string') found.push(state.Next);
  if (typeof state.Default === 'string') found.push(state.Default);
  for (const rule of (state.Choices as { Next: string }[] | undefined) ?? []) found.push(rule.Next);
  for (const catcher of (state.Catch as { Next: string }[] | undefined) ?? []) found.push(catcher.Next);
  return found;
}

const terminal = (state: AslState) => state.Type === 'Fail' || state.Type === 'Succeed' || state.Type === 'Choice' || state.End === true;

/**
 * Assembles states into a definition and checks it as it is built: a unique name per state, every
 * transition to a state that exists, every state reachable from the start, every path ending.
 */
export function graph(comment: string, states: [string, AslState][], options: { timeoutSeconds?: number } = {}): AslDefinition {
  const byName: Record<string, AslState> = {};
  for (const [name, state] of states) {
    if (name in byName) throw new GraphError(`state "${name}" is defined twice`);
    if (!terminal(state) && typeof state.Next !== 'string') throw new GraphError(`state "${name}" has neither Next nor End`);
    byName[name] = state;
  }
  const start = states[0]?.[0];
  if (start === undefined) throw new GraphError('a workflow needs at least one state');
  for (const [name, state] of states) {
    for (const target of targets(state)) {
      if (!(target in byName)) throw new GraphError(`state "${name}" moves to "${target}", which does not exist`);
    }
  }
  const reached = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (reached.has(name)) continue;
    reached.add(name);
    queue.push(...targets(byName[name]!));
  }
  const unreached = Object.keys(byName).filter((name) => !reached.has(name));
  if (unreached.length > 0) throw new GraphError(`states not reachable from "${start}": ${unreached.join(', ')}`);
  return {
    Comment: comment,
    StartAt: start,
    ...(options.timeoutSeconds ? { TimeoutSeconds: options.timeoutSeconds } : {}),
    States: byName,
  };
}
