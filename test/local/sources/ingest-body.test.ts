import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CloudWatchLogsPayload } from '../../../contracts/cloudwatch-logs.ts';
import { decodeOrThrow } from '../../../contracts/decode.ts';
import { CloudWatchSubscription } from '../../../local/sources/cloudwatch-subscription.ts';
import { eventsOf, IngestRefusal, logLinesOf } from '../../../local/sources/ingest-body.ts';

const refusal = (body: string) => {
  try {
    eventsOf(body);
  } catch (error) {
    expect(error).toBeInstanceOf(IngestRefusal);
    return [(error as IngestRefusal).status, (error as Error).message];
  }
  throw new Error('accepted');
};

describe('the ingest API reads', () => {
  it('one event, an array of events, or NDJSON, each as its text', () => {
    expect(eventsOf(' {"a":1}\n')).toStrictEqual(['{"a":1}']);
    expect(eventsOf('[{"a":1},{"a":2}]')).toStrictEqual(['{"a":1}', '{"a":2}']);
    expect(eventsOf('{"a":1}\n\n{"a":2}\r\n')).toStrictEqual(['{"a":1}', '{"a":2}']);
    expect(eventsOf('[\n  { "s": "],[{\\"}" , "n": [1, {"x": []}] } ,\n\t{}\n]')).toStrictEqual(['{ "s": "],[{\\"}" , "n": [1, {"x": []}] }', '{}']);
  });

  it('hands on what the producer wrote, not what JSON.parse makes of it: decode judges it, as it would on AWS', () => {
    const written = ['{"n":1e400}', '{"id":12345678901234567891}', '{"k":1,"k":2}', '{"z":-0}', `{"deep":${'['.repeat(10_000)}${']'.repeat(10_000)}}`];
    expect(eventsOf(written.join('\n'))).toStrictEqual(written);
    expect(eventsOf(`[${written.join(',')}]`)).toStrictEqual(written);
  });

  it('the text of every element of any array of objects, however written', () => {
    const object = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(fc.array(object, { minLength: 1, maxLength: 6 }), fc.constantFrom(undefined, 1, '\t'), (events, indent) => {
        const texts = eventsOf(JSON.stringify(events, null, indent));
        expect(texts.map((text) => JSON.parse(text) as unknown)).toStrictEqual(JSON.parse(JSON.stringify(events)));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses, with the position in the body, what is not an event: nothing is half-accepted', () => {
    expect(refusal('')).toStrictEqual([400, 'the body is empty: send a JSON event, a JSON array of events or NDJSON']);
    expect(refusal('{"a":1}\n{"a":')).toStrictEqual([400, expect.stringMatching(/^line 2: not JSON/)]);
    expect(refusal('\n\n{"a":1}\n{"a":\n{"a":1}')).toStrictEqual([400, expect.stringMatching(/^line 4: not JSON/)]);
    expect(refusal('{"a":1}\n\n"text"\n')).toStrictEqual([400, 'line 3 (event 1): expected a JSON object, got string']);
    // one value over several lines: its own error, with its position
    expect(refusal('[\n{"a":1},\n{"a":2},\n{"a":}\n]')).toStrictEqual([400, expect.stringMatching(/^not JSON \(Unexpected token '\}', .*"a":\}.* nor NDJSON \(line 1: /s)]);
    expect(refusal('[{"a":1}, 3]')).toStrictEqual([400, 'event 1: expected a JSON object, got number']);
    expect(refusal('[]')).toStrictEqual([400, 'no events in the body']);
    expect(refusal('null')).toStrictEqual([400, 'event 0: expected a JSON object, got null']);
  });

  it('log lines, one event per non-empty line', () => {
    expect(logLinesOf('a\n\nb\r\n')).toStrictEqual(['a', 'b']);
    expect(() => logLinesOf('\n \n')).toThrow('no log lines');
  });
});

describe('a CloudWatch Logs subscription, locally', () => {
  it('wraps lines as gzip\'d DATA_MESSAGE payloads with unique 56-digit event ids, also across instances', () => {
    const first = new CloudWatchSubscription().wrap('/app', 'web-1', ['one', 'two'], 1_700_000_000_000);
    const second = new CloudWatchSubscription().wrap('/app', 'web-1', ['one'], 1_700_000_000_000);
    expect(first.records).toHaveLength(1);
    const payload = decodeOrThrow(CloudWatchLogsPayload, JSON.parse(gunzipSync(first.records[0]!).toString()), 'payload');
    expect(payload).toMatchObject({ messageType: 'DATA_MESSAGE', logGroup: '/app', logStream: 'web-1' });
    expect(payload.logEvents.map((e) => [e.message, e.timestamp])).toStrictEqual([['one', 1_700_000_000_000], ['two', 1_700_000_000_000]]);
    expect(payload.logEvents.map((e) => e.id)).toStrictEqual(first.ids);
    for (const id of [...first.ids, ...second.ids]) expect(id).toMatch(/^\d{56}$/);
    expect(new Set([...first.ids, ...second.ids]).size).toBe(3);
  });

  it('cuts many lines into several payloads, none lost', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(100)}`);
    const { records, ids } = new CloudWatchSubscription().wrap('/app', 's', lines);
    expect(records.length).toBeGreaterThan(1);
    const messages = records.flatMap((r) => (JSON.parse(gunzipSync(r).toString()) as CloudWatchLogsPayload).logEvents.map((e) => e.message));
    expect(messages).toStrictEqual(lines);
    expect(ids).toHaveLength(5000);
  });
});
