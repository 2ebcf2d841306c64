import fc, { type JsonValue } from 'fast-check';
import { gzipSync } from 'node:zlib';
import { defaultConfig } from '../../config/default.ts';
import { checkConfig } from '../../config/check.ts';
import type { SluiceConfig } from '../../contracts/config.ts';
import { businessEvent, telemetry } from '../../local/samples.ts';

/**
 * Adversarial source units for the record chain: what a producer, a Firehose client or an S3 writer can
 * put in a record. Also used by faults/adversarial.ts, so nothing here depends on vitest.
 */

/** The default configuration with small limits: a gzip bomb of a few KB is over them, and runs stay fast. */
export const testConfig: SluiceConfig = checkConfig(
  { ...defaultConfig, limits: { ...defaultConfig.limits, maxInflatedBytes: 64 * 1024, maxRecordBytes: 8 * 1024, maxDepth: 64 } },
  'property test configuration',
);
export const limits = testConfig.limits;

/** What goes into one source unit: bytes to base64, or a `base64` text sent as it is (maybe not base64). */
export interface Payload {
  kind: string;
  bytes?: Buffer;
  base64?: string;
}

export const dataOf = (p: Payload): string => p.base64 ?? p.bytes!.toString('base64');
const bytes = (kind: string) => (b: Uint8Array | string) => ({ kind, bytes: Buffer.from(b) });
const gz = (b: Uint8Array | string) => gzipSync(b);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Strings with what breaks naive code: lone surrogates, NUL, U+2028, emoji, long runs. */
export const oddString = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.constantFrom('', '\ud800', '\udfff', 'a\ud83d', '\u0000', '\u2028\u2029', '💥', '__proto__', 'constructor', ' '.repeat(3)),
  );

/** JSON values of every kind, strings with lone surrogates included. */
export const json = (maxDepth = 4): fc.Arbitrary<JsonValue> =>
  fc.oneof(fc.jsonValue({ maxDepth, stringUnit: 'binary' }), fc.jsonValue({ maxDepth, stringUnit: 'grapheme' }));
const jsonText = (maxDepth = 4) => json(maxDepth).map((v) => JSON.stringify(v));

/** Nesting around `limits.maxDepth`, and far beyond it. */
export const deepText = fc
  .record({ depth: fc.oneof(fc.integer({ min: limits.maxDepth - 2, max: limits.maxDepth + 2 }), fc.constantFrom(1_000, 20_000)), shape: fc.constantFrom('array', 'object', 'mixed') })
  .map(({ depth, shape }) => {
    const open = shape === 'array' ? '[' : shape === 'object' ? '{"a":' : '{"a":[';
    const close = shape === 'array' ? ']' : shape === 'object' ? '}' : ']}';
    const inner = shape === 'array' ? '1' : '{"x":1}';
    return `{"deep":${open.repeat(depth)}${inner}${close.repeat(depth)}}`;
  });

const protoText = fc.constantFrom(
  '{"__proto__":{"event_type":"transaction","polluted":true},"constructor":{"prototype":{"polluted":true}}}',
  '{"event_type":"user_action","timestamp":1,"payload":{"__proto__":{"user_id":"u"},"action":"a","user_id":"u"}}',
  '{"constructor":"x","toString":1,"hasOwnProperty":null,"valueOf":{}}',
  '{"event_type":"transaction","timestamp":"2026-11-23T09:30:00Z","constructor":"c","payload":{"transaction_id":"t","amount":5,"currency":"EUR","__proto__":{"amount":-1}}}',
  '[{"__proto__":null},{"__proto__":[]},{"__proto__":"s"}]',
  '{"message":"m","__proto__":{"message":"hidden"}}',
);

const numbersText = fc.constantFrom(
  '{"n":9007199254740993}',
  '{"n":123456789012345678901234567890}',
  '{"n":1e400}',
  '{"n":-1e400,"m":1e-400}',
  '{"n":5e-324,"z":-0}',
  '{"event_type":"transaction","timestamp":1e400,"payload":{"transaction_id":"t","amount":1e400,"currency":"EUR"}}',
  '{"vehicle_id":"v","session_id":"s","timestamp":9007199254740993,"speed_kmh":1e308}',
);

const invalidUtf8 = fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0x7b, 0xfe, 0x7d]);

/** An S3/S4 business event, of the seed types or not, with any field replaced by a value of any kind. */
export const s4Event = fc
  .record({
    i: fc.nat(1_000),
    // half of them as the producer meant them, the other half with fields replaced or missing
    replace: fc.oneof(
      fc.constant([]),
      fc.array(fc.tuple(fc.constantFrom('event_type', 'timestamp', 'payload', 'event_id', 'payload.amount', 'payload.currency', 'payload.session_duration', 'payload.metric_name', 'payload.value', 'payload.level', 'payload.user_id', 'payload.extra'), json(2)), { minLength: 1, maxLength: 3 }),
    ),
    remove: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, fc.array(fc.constantFrom('event_type', 'timestamp', 'payload', 'payload.amount', 'payload.action'), { minLength: 1, maxLength: 1 })),
  })
  .map(({ i, replace, remove }) => {
    const event = structuredClone(businessEvent(i)) as Record<string, any>;
    for (const [path, value] of replace) {
      const [head, tail] = path.split('.') as [string, string?];
      if (!tail) event[head] = value;
      else if (typeof event.payload === 'object' && event.payload !== null && !Array.isArray(event.payload)) event.payload[tail] = value;
    }
    for (const path of remove) {
      const [head, tail] = path.split('.') as [string, string?];
      if (!tail) delete event[head];
      else if (typeof event.payload === 'object' && event.payload) delete event.payload[tail];
    }
    return event;
  });

/** S2 telemetry and S1 log entries with fields of wrong types (the other pipelines' schemas). */
export const otherEvent = fc.oneof(
  fc.record({ i: fc.nat(100), field: fc.constantFrom('vehicle_id', 'timestamp', 'speed_kmh', 'fuel_level_pct', 'latitude'), value: json(1) }).map(({ i, field, value }) => ({ ...telemetry(i), [field]: value })),
  fc.record({ message: fc.oneof(oddString(), json(1)), level: fc.oneof(fc.constantFrom('info', 'verbose', 'fatal'), json(1)), timestamp: json(1) }),
);

/** A CloudWatch Logs subscription payload with odd values (and, now and then, a field of the wrong type or missing). */
export const cloudWatchPayload = fc
  .record({
    messageType: fc.constantFrom('DATA_MESSAGE', 'DATA_MESSAGE', 'DATA_MESSAGE', 'CONTROL_MESSAGE'),
    owner: fc.oneof(fc.constant('000000000000'), oddString()),
    logGroup: fc.oneof(fc.constant('/aws/lambda/checkout'), oddString(), fc.constant('')),
    logStream: fc.oneof(fc.constant('2026/11/23/[$LATEST]a1b2c3'), oddString()),
    subscriptionFilters: fc.constantFrom(['sluice'], []),
    logEvents: fc.array(
      fc.record({
        id: fc.oneof(fc.constantFrom('e1', 'e2', 'e3'), fc.string({ maxLength: 8 })),
        timestamp: fc.oneof(
          { arbitrary: fc.integer({ min: 0, max: 2e12 }), weight: 3 },
          fc.constantFrom(1e16, -1e16, 2 ** 53, 8.64e15, 8.64e15 + 1, -8.64e15, 1.5, 0, -1),
        ),
        message: fc.oneof(
          { arbitrary: oddString(60), weight: 3 },
          jsonText(2),
          fc.constantFrom('x'.repeat(limits.maxRecordBytes + 1), '€'.repeat(Math.ceil(limits.maxRecordBytes / 3) + 1), 'y'.repeat(limits.maxRecordBytes)),
        ),
      }),
      { maxLength: 6 },
    ),
    broken: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, fc.constantFrom('messageType', 'owner', 'logEvents', 'event-id', 'event-timestamp', 'event-message')),
  })
  .map(({ broken, ...p }) => {
    const out: Record<string, unknown> = { ...p, logEvents: p.logEvents.map((e) => ({ ...e })) };
    if (broken === 'messageType') out.messageType = 'OTHER';
    else if (broken === 'owner') delete out.owner;
    else if (broken === 'logEvents') out.logEvents = {};
    else if (broken && p.logEvents.length > 0) (out.logEvents as Record<string, unknown>[])[0]![broken.slice(6)] = broken === 'event-timestamp' ? '1' : 7;
    return out;
  });

/** Each kind of source unit content, by name. */
export const kinds = {
  randomBytes: fc.uint8Array({ maxLength: 200 }).map(bytes('random-bytes')),
  gzipRandom: fc.uint8Array({ maxLength: 200 }).map((b) => ({ kind: 'gzip-random', bytes: gz(b) })),
  gzipJson: jsonText().map((t) => ({ kind: 'gzip-json', bytes: gz(t) })),
  gzipTruncated: fc.tuple(jsonText(), fc.nat()).map(([t, cut]) => {
    const whole = gz(t);
    return { kind: 'gzip-truncated', bytes: whole.subarray(0, 2 + (cut % (whole.length - 2))) };
  }),
  /** A few hundred bytes of gzip that inflate past `limits.maxInflatedBytes`. */
  gzipBomb: fc.record({ fill: fc.constantFrom('a', ' ', '{'), over: fc.integer({ min: 1, max: 3 }), asJson: fc.boolean() }).map(({ fill, over, asJson }) => {
    const body = fill.repeat(limits.maxInflatedBytes * over + 1);
    return { kind: 'gzip-bomb', bytes: gz(asJson ? `{"m":"${body}"}` : body) };
  }),
  cloudWatch: fc.tuple(cloudWatchPayload, fc.boolean()).map(([p, zip]) => ({ kind: 'cloudwatch', bytes: zip ? gz(JSON.stringify(p)) : Buffer.from(JSON.stringify(p)) })),
  json: jsonText(6).map(bytes('json')),
  deep: deepText.map(bytes('deep')),
  protoKeys: protoText.map(bytes('proto-keys')),
  bigNumbers: numbersText.map(bytes('big-numbers')),
  bomJson: fc.oneof(jsonText(), s4Event.map((e) => JSON.stringify(e))).map((t) => ({ kind: 'bom-json', bytes: Buffer.concat([BOM, Buffer.from(t)]) })),
  invalidUtf8: fc.tuple(s4Event, invalidUtf8).map(([e, bad]) => {
    const text = Buffer.from(JSON.stringify(e));
    return { kind: 'invalid-utf8', bytes: Buffer.concat([text.subarray(0, 5), Buffer.from(bad), text.subarray(5)]) };
  }),
  ndjson: fc
    .array(fc.oneof(jsonText(2), s4Event.map((e) => JSON.stringify(e)), fc.constantFrom('', '   ', '{"broken": ', '\r')), { minLength: 2, maxLength: 6 })
    .map((lines) => ({ kind: 'ndjson', bytes: Buffer.from(lines.join('\n')) })),
  plainText: oddString(80).map(bytes('plain-text')),
  s4Event: s4Event.map((e) => ({ kind: 's4-event', bytes: Buffer.from(JSON.stringify(e)) })),
  otherEvent: otherEvent.map((e) => ({ kind: 'other-event', bytes: Buffer.from(JSON.stringify(e)) })),
  /** Text that is not base64 (or, by chance, is). */
  badBase64: fc.string({ maxLength: 20 }).map((s) => ({ kind: 'bad-base64', base64: s })),
} satisfies Record<string, fc.Arbitrary<Payload>>;

const WEIGHTS: Record<keyof typeof kinds, number> = {
  randomBytes: 2, gzipRandom: 1, gzipJson: 2, gzipTruncated: 1, gzipBomb: 1, cloudWatch: 3, json: 3, deep: 1, protoKeys: 1,
  bigNumbers: 1, bomJson: 1, invalidUtf8: 1, ndjson: 2, plainText: 1, s4Event: 5, otherEvent: 2, badBase64: 1,
};

/** A source unit's content: anything a producer can send. */
export const payload: fc.Arbitrary<Payload> = fc.oneof(
  ...Object.entries(kinds).map(([name, arbitrary]) => ({ arbitrary: arbitrary as fc.Arbitrary<Payload>, weight: WEIGHTS[name as keyof typeof kinds] })),
);

/** A batch of payloads, some sent twice (an upstream redelivery), as the same batch sees them. */
export const payloads = (maxLength = 10): fc.Arbitrary<Payload[]> =>
  fc.tuple(fc.array(payload, { maxLength }), fc.array(fc.nat(), { maxLength: 3 })).map(([list, again]) => (list.length === 0 ? list : [...list, ...again.map((i) => list[i % list.length]!)]));

/** Arrival times: none, ordinary, or out of what a Date holds; repeats are likely (neighbours share them). */
export const arrivedAt = fc.option(fc.constantFrom(1_795_000_000_000, 1_795_000_000_500, 0, -1, 8.64e15 + 1, 1e19, -1e19), { nil: undefined });
