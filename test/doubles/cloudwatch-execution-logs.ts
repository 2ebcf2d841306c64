import type { FilterLogEventsCommand, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { ExecutionResult, TraceEvent } from '../../local/engine.ts';

/**
 * TEST FIXTURE GENERATOR: a real local execution's trace written as Step Functions writes an Express
 * execution's history to CloudWatch Logs at level ALL with execution data — one JSON message per history
 * event, `{id, previous_event_id, type, details, event_timestamp, execution_arn}`, `<Type>StateEntered` /
 * `<Type>StateExited` with the state's name and data as JSON text, a Lambda task's attempts as
 * LambdaFunctionScheduled / Started / Succeeded / Failed (sluice's Task states name the function's ARN),
 * data whose escaped text is over `truncateOver` cut and marked `truncated: true` (AWS cuts at 248 KB).
 * `camelCase` spells the fields as the history API does, which the reader accepts too.
 */
export interface LogShape {
  truncateOver?: number;
  camelCase?: boolean;
  /** At level ERROR only failure events are logged, and no data. */
  level?: 'ALL' | 'ERROR';
}

const ERROR_TYPES = new Set(['LambdaFunctionFailed', 'ExecutionFailed', 'TaskFailed', 'ExecutionTimedOut', 'ExecutionAborted']);

export function cloudWatchLogEvents(result: ExecutionResult, awsArn: string, shape: LogShape = {}): FilteredLogEvent[] {
  const limit = shape.truncateOver ?? 248 * 1024;
  const events: { id: string; type: string; timestamp: number; details: Record<string, unknown> }[] = [];
  const data = (field: 'input' | 'output', value: unknown) => {
    if (value === undefined) return {};
    const text = JSON.stringify(value);
    const truncated = JSON.stringify(text).length > limit;
    return { [field]: truncated ? text.slice(0, limit) : text, [`${field}Details`]: { truncated } };
  };
  const add = (type: string, event: TraceEvent, details: Record<string, unknown> = {}) => events.push({ id: String(events.length + 1), type, timestamp: event.timestamp, details });
  const attempt = (event: TraceEvent) => {
    add('LambdaFunctionScheduled', event, { resource: `arn:aws:lambda:eu-west-1:123456789012:function:${event.state!.name}`, ...data('input', event.state!.input) });
    add('LambdaFunctionStarted', event);
  };
  let failed = false;
  for (const event of result.events) {
    const state = event.state;
    switch (event.type) {
      case 'ExecutionStarted':
        add('ExecutionStarted', event, { ...data('input', event.input), roleArn: 'arn:aws:iam::123456789012:role/sluice-workflow' });
        break;
      case 'StateEntered':
        add(`${state!.type}StateEntered`, event, { name: state!.name, ...data('input', state!.input) });
        if (state!.type === 'Task') attempt(event);
        failed = false;
        break;
      case 'StateFailed':
        if (state!.type === 'Task') add('LambdaFunctionFailed', event, { error: event.Error, cause: event.Cause });
        failed = true;
        break;
      case 'StateRetried':
        attempt(event);
        failed = false;
        break;
      case 'StateExited':
        if (state!.type === 'Task' && !failed) add('LambdaFunctionSucceeded', event, data('output', state!.output));
        add(`${state!.type}StateExited`, event, { name: state!.name, ...data('output', state!.output) });
        break;
      case 'ExecutionSucceeded':
        add('ExecutionSucceeded', event, data('output', event.output));
        break;
      case 'ExecutionFailed':
        add('ExecutionFailed', event, { error: event.Error, cause: event.Cause });
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        add(event.type, event, { index: event.index, name: (event.parentState as { name: string }).name });
        break;
      default:
      // StateCaught: AWS logs no event of its own (the failure, then the state's exit)
    }
  }
  const logged = shape.level === 'ERROR' ? events.filter((e) => ERROR_TYPES.has(e.type)).map((e) => ({ ...e, details: { error: e.details.error, cause: e.details.cause } })) : events;
  return logged.map(({ id, ...event }) => {
    const message = shape.camelCase
      ? { id, previousEventId: String(Number(id) - 1), type: event.type, [`${event.type[0]!.toLowerCase()}${event.type.slice(1)}EventDetails`]: event.details, timestamp: new Date(event.timestamp).toISOString(), executionArn: awsArn }
      : { id, type: event.type, details: event.details, previous_event_id: String(Number(id) - 1), event_timestamp: String(event.timestamp), execution_arn: awsArn, redrive_count: '0' };
    return { logStreamName: `states/${awsArn.split(':')[6]}/2026-12-06-04-00/00000000`, timestamp: event.timestamp, ingestionTime: event.timestamp + 800, message: JSON.stringify(message), eventId: `${event.timestamp}${awsArn.slice(-8)}${id.padStart(4, '0')}` };
  });
}

/**
 * FilterLogEvents as CloudWatch Logs answers it, over fixed log groups: events in [startTime, endTime],
 * a quoted filter term matched in the message, `pageSize` events per page with a nextToken for the rest.
 * Every command it was sent is kept.
 */
export function fakeFilterLogEvents(groups: Record<string, FilteredLogEvent[]>, pageSize = 25) {
  const sent: FilterLogEventsCommand['input'][] = [];
  const send = async (command: FilterLogEventsCommand) => {
    const input = command.input;
    sent.push(input);
    const term = input.filterPattern ? /^"(.*)"$/.exec(input.filterPattern)?.[1] : undefined;
    if (input.filterPattern && term === undefined) throw new Error(`the fake reads quoted terms only, got ${input.filterPattern}`);
    const matching = (groups[input.logGroupName!] ?? [])
      .filter((e) => (input.startTime === undefined || e.timestamp! >= input.startTime) && (input.endTime === undefined || e.timestamp! <= input.endTime))
      .filter((e) => term === undefined || e.message!.includes(term))
      .sort((a, b) => a.timestamp! - b.timestamp!);
    const offset = input.nextToken ? Number(input.nextToken) : 0;
    const events = matching.slice(offset, offset + pageSize);
    return { events, ...(offset + pageSize < matching.length ? { nextToken: String(offset + pageSize) } : {}) };
  };
  return { send, sent };
}
