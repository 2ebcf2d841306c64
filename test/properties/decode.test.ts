import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { firehoseRequest, pipesRecord } from '../../local/samples.ts';
import { decodeUnits } from '../../tasks/decode/index.ts';
import { countLines } from '../../tasks/decode/lines.ts';
import { firehoseUnits, kinesisUnits, lineUnits } from '../../tasks/decode/sources.ts';
import type { Unit } from '../../tasks/decode/unit.ts';
import { shapeProblem } from '../../tasks/decode/parse.ts';
import { arrivedAt, cloudWatchPayload, dataOf, kinds, limits, payload, payloads, s4Event, type Payload } from './arbitraries.ts';
import { assertDecoded, jsonBytes } from './invariants.ts';

const unitsOf = (list: { data: string; arrivedAt?: number | undefined }[]): Unit[] =>
  list.map(({ data, arrivedAt: at }, i) => ({ unit: `u${i}`, coordinates: `test/stream/shard/${i}`, data, encoding: 'base64', ...(at === undefined ? {} : { arrivedAt: at }) }));

describe('decode: any unit content', () => {
  it('never throws; every unit has an outcome with a reason; ids unique; records are objects within depth; ids deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(payload, arrivedAt), { maxLength: 12 }), payloads(6), (mixed, repeated) => {
        const units = unitsOf([...mixed.map(([p, at]) => ({ data: dataOf(p), arrivedAt: at })), ...repeated.map((p) => ({ data: dataOf(p) }))]);
        const out = decodeUnits(units, limits);
        assertDecoded(
          units.map((u) => u.unit),
          out,
          limits,
        );
        // deterministic (ids from coordinates); compared as JSON: toStrictEqual trips on own __proto__ keys
        expect(JSON.stringify(decodeUnits(units, limits))).toBe(JSON.stringify(out));
      }),
      { numRuns: 600 },
    );
  });

  it('a Pipes batch: every eventID has an outcome', () => {
    const record = fc.record({ p: payload, at: fc.option(fc.constantFrom(1_795_000_000, 0, -5, 1e13, 9e15), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), fc.nat(3), (records, shard) => {
        const batch = records.map(({ p, at }, i) => {
          const r = { ...pipesRecord('', i, `shardId-00000000000${shard}`), data: dataOf(p) };
          if (at === undefined) delete (r as { approximateArrivalTimestamp?: number }).approximateArrivalTimestamp;
          else r.approximateArrivalTimestamp = at;
          return r;
        });
        const { units } = kinesisUnits(batch);
        assertDecoded(
          batch.map((r) => r.eventID),
          decodeUnits(units, limits),
          limits,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('a Firehose request: every recordId has an outcome', () => {
    fc.assert(
      fc.property(payloads(10), (list) => {
        const request = firehoseRequest(list.map(() => ''));
        request.records.forEach((r, i) => (r.data = dataOf(list[i]!)));
        const { units } = firehoseUnits(request);
        assertDecoded(
          request.records.map((r) => r.recordId),
          decodeUnits(units, limits),
          limits,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('the lines of an S3 chunk: one unit per non-blank line, each with an outcome', () => {
    const line = fc.oneof(
      payload.map((p) => p.bytes ?? Buffer.from(p.base64!)),
      fc.constantFrom(Buffer.from(''), Buffer.from('  \t'), Buffer.from('\r'), Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), Buffer.from([0xc3, 0x28])),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), (lines, firstLine, crlf) => {
        const bytes = Buffer.concat(lines.map((l) => Buffer.concat([l, Buffer.from(crlf ? '\r\n' : '\n')])));
        const source = { bucket: 'sluice-raw', key: 'events/x.jsonl', firstLine };
        const units = lineUnits(bytes, firstLine, source);
        expect(units).toHaveLength(countLines(bytes));
        expect(new Set(units.map((u) => u.unit)).size).toBe(units.length);
        assertDecoded(
          units.map((u) => u.unit),
          decodeUnits(units, limits),
          limits,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('decode: each kind of content gets its own outcome', () => {
  const reasonsOf = (p: Payload) => {
    const out = decodeUnits(unitsOf([{ data: dataOf(p) }]), limits);
    return [...out.records.map(() => 'record'), ...out.quarantined.map((q) => q.reason), ...out.dropped.map((d) => d.reason)];
  };
  it('bombs, truncated gzip, invalid UTF-8, bad base64 and deep nesting are quarantined with their reason', () => {
    const expected = (p: Payload): string => {
      if (p.kind === 'gzip-bomb') return 'inflated-too-large';
      if (p.kind === 'gzip-truncated') return 'invalid-gzip';
      if (p.kind === 'invalid-utf8') return 'invalid-utf8';
      if (p.kind === 'bad-base64') return p.base64!.length % 4 === 0 ? 'any' : 'invalid-base64';
      return shapeProblem(JSON.parse(p.bytes!.toString()), limits.maxDepth, true) ?? 'record';
    };
    fc.assert(
      fc.property(fc.oneof(kinds.gzipBomb, kinds.gzipTruncated, kinds.invalidUtf8, kinds.badBase64, kinds.deep), (p) => {
        const want = expected(p);
        if (want !== 'any') expect(reasonsOf(p)).toStrictEqual([want]);
      }),
      { numRuns: 200 },
    );
  });

  it('a JSON array or JSON Lines of k objects is k records, in order, none dropped', () => {
    fc.assert(
      fc.property(fc.array(s4Event, { minLength: 2, maxLength: 8 }), fc.constantFrom('array', 'lines', 'gzip-lines'), (events, form) => {
        const text = form === 'array' ? JSON.stringify(events) : events.map((e) => JSON.stringify(e)).join('\n');
        const out = decodeUnits(unitsOf([{ data: (form === 'gzip-lines' ? gzipSync(text) : Buffer.from(text)).toString('base64') }]), limits);
        expect(out.quarantined.length + out.dropped.length).toBe(0);
        expect(JSON.stringify(out.records.map((r) => r.data))).toBe(JSON.stringify(events));
      }),
      { numRuns: 100 },
    );
  });

  it('only a CloudWatch log event seen before is dropped as a duplicate', () => {
    fc.assert(
      fc.property(payloads(8), (list) => {
        const out = decodeUnits(unitsOf(list.map((p) => ({ data: dataOf(p) }))), limits);
        const duplicates = out.dropped.filter((d) => d.reason === 'duplicate');
        for (const d of duplicates) expect(list[Number(d.unit.slice(1))]!.kind).toBe('cloudwatch');
      }),
      { numRuns: 200 },
    );
  });
});

describe('decode: what one unit can make of a batch', () => {
  // KNOWN DEFECT (see the faults report): a CloudWatch Logs payload's logGroup / logStream / owner are
  // copied into every log event's record and never counted against maxRecordBytes, so a small gzip'd unit
  // decodes into records far over the limit (and, with 1 MB and 600 events, a batch no JSON string holds).
  it('no decoded record is far over maxRecordBytes (6x: the worst JSON escaping of text)', () => {
    const long = fc.constantFrom('logGroup', 'logStream', 'owner');
    fc.assert(
      fc.property(cloudWatchPayload, long, (p, field) => {
        const amplified = { ...p, messageType: 'DATA_MESSAGE', [field]: 'g'.repeat(limits.maxRecordBytes * 7) };
        const units = unitsOf([{ data: gzipSync(JSON.stringify(amplified)).toString('base64') }]);
        for (const record of decodeUnits(units, limits).records) expect(jsonBytes(record.data)).toBeLessThanOrEqual(6 * limits.maxRecordBytes + 1024);
      }),
      { numRuns: 30 },
    );
  });
});
