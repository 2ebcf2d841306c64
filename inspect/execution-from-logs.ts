import { AccountResult, type MachineName } from '../contracts/batch.ts';
import type { ExecutionResult, TraceEvent } from '../local/engine.ts';
import { Names } from '../workflows/record-chain.ts';
import type { ExecutionLogEvent, Payload } from './execution-log-event.ts';

/** What a cut payload becomes: the page shows that it was cut and what was kept (a claim check's data is in S3). */
export interface TruncatedPayload {
  truncated: true;
  text: string;
}

function value(payload: Payload, where: string): unknown {
  if (payload.truncated) return { truncated: true, text: payload.text } satisfies TruncatedPayload;
  try {
    return JSON.parse(payload.text);
  } catch {
    throw new Error(`${where}: its data is not JSON and not marked truncated: ${payload.text.slice(0, 80)}`);
  }
}

const STATE_EVENT = /^(\w+?)State(Entered|Exited)$/;
/** A task's failure (Task*, LambdaFunction*, Activity*, a Map's or Parallel's own), not an iteration's or the execution's. */
const failure = (type: string) => !/^(Execution|MapIteration|ParallelBranch)/.test(type) && /(Failed|TimedOut)$/.test(type);
const attempt = (type: string) => /^(Task|LambdaFunction|Activity)Scheduled$/.test(type);
const EXECUTION_END: Record<string, string> = { ExecutionSucceeded: 'ExecutionSucceeded', ExecutionFailed: 'ExecutionFailed', ExecutionTimedOut: 'ExecutionTimeout', ExecutionAborted: 'ExecutionAborted' };

/**
 * The trace the local engine writes, from an execution's log events: `<Type>StateEntered/Exited` become
 * StateEntered/StateExited with the state's name, type and data; a task's failure StateFailed, then
 * StateRetried when the task is scheduled again, or StateCaught when the state exits (a Catch); a Fail
 * state's end StateFailed. The other events (TaskScheduled, TaskSucceeded, …) stay, named as AWS names
 * them, with their state. So the inspector's graph, panel and table read them as they read a local run.
 * An event belongs to the state entered last: sluice's workflows run one state at a time (no Map or Parallel).
 */
export function traceFromLogs(events: ExecutionLogEvent[]): TraceEvent[] {
  const trace: TraceEvent[] = [];
  let current: { name: string; type: string } | undefined;
  let failed = false;
  for (const event of events) {
    const where = `${event.executionArn} event ${event.id} (${event.type})`;
    const data = (payload: Payload | undefined) => (payload ? value(payload, where) : undefined);
    const state = STATE_EVENT.exec(event.type);
    if (state) {
      const [, type, edge] = state;
      const name = event.name ?? current?.name ?? '';
      if (edge === 'Exited' && failed && current) trace.push({ type: 'StateCaught', timestamp: event.timestamp, state: current });
      const payload = edge === 'Entered' ? event.input : event.output;
      trace.push({
        type: `State${edge}`,
        timestamp: event.timestamp,
        state: { name, type: type!, ...(payload ? { [edge === 'Entered' ? 'input' : 'output']: data(payload) } : {}) },
      });
      current = edge === 'Entered' ? { name, type: type! } : undefined;
      failed = false;
      continue;
    }
    if (attempt(event.type) && failed && current) trace.push({ type: 'StateRetried', timestamp: event.timestamp, state: current });
    if (attempt(event.type)) failed = false;
    const errorFields = { ...(event.error !== undefined ? { Error: event.error } : {}), ...(event.cause !== undefined ? { Cause: event.cause } : {}) };
    if (failure(event.type)) {
      failed = true;
      trace.push({ type: 'StateFailed', timestamp: event.timestamp, ...(current ? { state: current } : {}), ...errorFields, logged: event.type });
      continue;
    }
    if (event.type === 'ExecutionStarted') {
      trace.push({ type: 'ExecutionStarted', timestamp: event.timestamp, ...(event.input ? { input: data(event.input) } : {}) });
      continue;
    }
    const end = EXECUTION_END[event.type];
    if (end) {
      // a Fail state ends the execution: the local engine marks the state failed, the graph colours it
      if (current?.type === 'Fail') trace.push({ type: 'StateFailed', timestamp: event.timestamp, state: current, ...errorFields });
      trace.push({ type: end, timestamp: event.timestamp, ...errorFields, ...(event.output ? { output: data(event.output) } : {}) });
      continue;
    }
    trace.push({
      type: event.type,
      timestamp: event.timestamp,
      ...(current ? { state: current } : {}),
      ...(event.index !== undefined ? { index: event.index } : {}),
      ...errorFields,
    });
  }
  return trace;
}

/**
 * An execution as the local store serves it, from its log events (in any order): status from its end
 * event (RUNNING while none is logged: running, or its end not yet delivered, or outside the window),
 * the account step's report from that state's output when data was logged.
 */
export function executionFromLogs(executionArn: string, pipeline: string, workflow: MachineName, logged: ExecutionLogEvent[]): ExecutionResult {
  const events = [...logged].sort((a, b) => a.timestamp - b.timestamp || a.id - b.id);
  const trace = traceFromLogs(events);
  const end = trace.find((e) => Object.values(EXECUTION_END).includes(e.type));
  const first = events[0]?.timestamp ?? 0;
  const last = events[events.length - 1]?.timestamp ?? first;
  const account = trace.find((e) => e.type === 'StateExited' && (e.state?.name === Names.account || e.state?.name === Names.accountChunk))?.state?.output;
  const status = end === undefined ? 'RUNNING' : end.type === 'ExecutionSucceeded' ? 'SUCCEEDED' : 'FAILED';
  return {
    workflow,
    pipeline,
    executionArn,
    status,
    ...(end?.type === 'ExecutionSucceeded' && 'output' in end ? { output: end.output } : {}),
    ...(status === 'FAILED' ? { error: end?.Error ?? end?.type ?? 'unknown', ...(end?.Cause !== undefined ? { cause: String(end.Cause) } : {}) } : {}),
    ...(AccountResult.is(account) ? { account } : {}),
    events: trace,
    startedAt: new Date(first).toISOString(),
    durationMs: last - first,
  };
}
