import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { Batch, Body } from '../../contracts/batch.ts';
import { ContractError, decodeOrThrow, guardOrThrow } from '../../contracts/decode.ts';
import { FirehoseTransformRequest } from '../../contracts/firehose.ts';
import { PipesKinesisBatch } from '../../contracts/pipes-kinesis.ts';
import { AccountInput, BackupInput, BackupWholeInput, DecodeInput, DeliverInput } from '../../contracts/tasks.ts';
import { emptyBody } from '../../tasks/shared/body.ts';

const CORPUS = join(import.meta.dirname, '../../../shared/corpus/aws-events/converted/pipes');

const batch = (body: unknown) => ({
  pipeline: 'p',
  workflow: 'kinesis',
  batchId: 'b',
  source: { shard: 'shardId-000000000000' },
  body,
  counts: { in: 1, delivered: 0, quarantined: 0, dropped: 0, backedUp: 0, failed: 0, pending: 1 },
  retry: { attempt: 0, again: false, delaySeconds: 0, elapsedSeconds: 0, until: 0 },
});

describe('guardOrThrow: decode without a copy of what is already valid', () => {
  it('hands back the very value it was given when it is valid', () => {
    const value = batch({ ...emptyBody(), records: [{ id: 'r', unit: 'u', data: { a: 1 } }] });
    expect(guardOrThrow(Batch, value, 'state')).toBe(value);
  });

  it('names every failing path, as decodeOrThrow does, when it is not', () => {
    const value = { ...emptyBody(), records: [{ id: 'r', unit: 'u', data: {} }, { id: 7, unit: 'u', data: {} }] };
    const thrown = (() => {
      try {
        guardOrThrow(Body, value, 'enrich input body');
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ContractError);
    expect((thrown as ContractError).message).toContain('records.1.id: expected string, got 7');
  });

  it('agrees with decodeOrThrow on every Pipes batch of the corpus', () => {
    const files = readdirSync(CORPUS).filter((file) => file.endsWith('.json'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const input = JSON.parse(readFileSync(join(CORPUS, file), 'utf8')) as unknown;
      const outcome = (check: typeof decodeOrThrow) => {
        try {
          return { value: check(PipesKinesisBatch, input, file) as unknown };
        } catch (error) {
          return { error: (error as Error).message };
        }
      };
      expect(outcome(guardOrThrow), file).toStrictEqual(outcome(decodeOrThrow));
    }
  });

  it('takes each codec the tasks open with it: none converts or refines', () => {
    for (const codec of [Batch, Body, PipesKinesisBatch, DecodeInput, DeliverInput, AccountInput, BackupInput, BackupWholeInput]) {
      expect(() => guardOrThrow(codec, undefined, codec.name)).toThrow(ContractError);
    }
  });

  it('refuses a codec whose guard and decode can disagree, naming the part', () => {
    // Firehose's arrival time: its guard takes Infinity, its decode leaves it out
    expect(() => guardOrThrow(FirehoseTransformRequest, {}, 'request')).toThrow(/use decodeOrThrow/);
    const Port = t.type({ port: t.refinement(t.number, (n) => n > 0, 'Port') });
    expect(() => guardOrThrow(Port, { port: 1 }, 'config')).toThrow(/part Port may/);
    expect(() => guardOrThrow(t.exact(t.type({ a: t.string })), { a: '', b: 1 }, 'x')).toThrow(/use decodeOrThrow/);
    // a record keyed by a keyof: decode drops the other keys, the guard keeps them
    expect(() => guardOrThrow(t.type({ m: t.record(t.keyof({ a: null }), t.string) }), { m: { a: 'x', b: 'y' } }, 'x')).toThrow(/use decodeOrThrow/);
    // a converting codec without a name is refused all the same
    const unnamed = new t.Type<number, number, unknown>('', t.number.is, (u, c) => (typeof u === 'string' ? t.success(Number(u)) : t.number.validate(u, c)), Number);
    expect(() => guardOrThrow(t.type({ n: unnamed }), { n: 1 }, 'x')).toThrow(/\(unnamed\)/);
  });
});
