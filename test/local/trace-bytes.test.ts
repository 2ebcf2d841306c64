import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExecutionResult, TraceEvent } from '../../local/engine.ts';
import { traceBytes } from '../../local/trace-bytes.ts';

const traceText = (result: ExecutionResult) => Buffer.concat(traceBytes(result)).toString('utf8');

/** What the store wrote before: the result without `claimed`, its chunks the same, as JSON.stringify writes them. */
const plain = ({ claimed: _claimed, chunks, ...result }: ExecutionResult): ExecutionResult => ({ ...result, ...(chunks ? { chunks: chunks.map(plain) } : {}) });

const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'grapheme', minLength: 4100, maxLength: 5000 }).map((long) => ({ long })));
const state = fc.record(
  { name: fc.string({ unit: 'binary' }), type: fc.constantFrom('Task', 'Choice', 'Pass', 'Wait'), input: json, output: json },
  { requiredKeys: [] },
);
const event = fc.record(
  { type: fc.constantFrom('StateEntered', 'StateExited', 'ExecutionStarted', 'StateFailed'), timestamp: fc.nat(), state, Error: fc.string(), Cause: fc.string(), index: fc.nat() },
  { requiredKeys: [] },
) as fc.Arbitrary<TraceEvent>;
const result = (chunks: fc.Arbitrary<ExecutionResult[] | undefined>) =>
  fc.record(
    {
      workflow: fc.constantFrom('kinesis', 's3', 's3-chunk', 'firehose'),
      pipeline: fc.string(),
      executionArn: fc.string(),
      status: fc.constantFrom('SUCCEEDED', 'FAILED'),
      output: json,
      error: fc.string(),
      events: fc.array(event, { maxLength: 6 }),
      startedAt: fc.string(),
      durationMs: fc.nat(),
      claimed: fc.constant(new Map([['bucket/key', '{"kept":true}']])),
      chunks,
    },
    // only events is always there: the fields around it may all be missing, where no comma may go
    { requiredKeys: ['events'] },
  ) as fc.Arbitrary<ExecutionResult>;

/** As the engine hands them on: a state's input is the output of the state before it, the same object. */
const shareAsTheEngine = (trace: ExecutionResult): ExecutionResult => {
  let last: unknown;
  for (const entry of trace.events) {
    if (!entry.state) continue;
    if (last !== undefined && entry.state.input !== undefined) entry.state.input = last;
    last = entry.state.output ?? entry.state.input;
  }
  for (const chunk of trace.chunks ?? []) shareAsTheEngine(chunk);
  return trace;
};

describe('traceBytes: the trace as the store writes it', () => {
  it('parses to what JSON.stringify of the trace parses to, for any result, its chunks within and without `claimed`', () => {
    fc.assert(
      fc.property(result(fc.option(fc.array(result(fc.constant(undefined)), { maxLength: 3 }), { nil: undefined })).map(shareAsTheEngine), (trace) => {
        const text = traceText(trace);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(plain(trace))));
        expect(text).not.toContain('kept');
      }),
      { numRuns: 150 },
    );
  });

  it('writes a payload the engine hands from state to state the same each time it appears', () => {
    // as the engine does: StateExited holds the state's input object, and its output becomes the next state's input
    const input = { records: Array.from({ length: 3 }, (_, i) => ({ id: `r${i}`, data: 'x'.repeat(3000) })) };
    const output = { body: { records: ['r0', 'r1', 'r2'] }, counts: { in: 3 } };
    const events: TraceEvent[] = [
      { type: 'ExecutionStarted', timestamp: 1, input },
      { type: 'StateEntered', timestamp: 2, state: { name: 'Decode records', type: 'Task', input } },
      { type: 'StateExited', timestamp: 3, state: { name: 'Decode records', type: 'Task', input, output } },
      { type: 'StateEntered', timestamp: 4, state: { name: 'Validate records', type: 'Task', input: output } },
      { type: 'StateExited', timestamp: 5, state: { name: 'Validate records', type: 'Task', input: output, output: null } },
    ];
    const trace: ExecutionResult = { workflow: 'kinesis', pipeline: 'p', executionArn: 'arn', status: 'SUCCEEDED', events, startedAt: 't', durationMs: 1 };
    const parsed = JSON.parse(traceText(trace)) as ExecutionResult;
    expect(parsed).toEqual(JSON.parse(JSON.stringify(trace)));
    expect(parsed.events[2]!.state).toEqual({ name: 'Decode records', type: 'Task', input, output });
    expect(parsed.events[4]!.state!.output).toBeNull();
  });
});
