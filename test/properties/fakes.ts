import fc from 'fast-check';
import type { Body, Rec, RecordError } from '../../contracts/batch.ts';
import type { DeliveryScope, Sink, SinkOutcome } from '../../tasks/deliver/sinks/sink.ts';

/**
 * Sink fakes that fail records at random (retryably or for good), throw in every way a sink can, and
 * keep a log of which record ids they were given and which they accepted, so a test can check that a
 * sink that accepted a record never sees it again.
 */

export type Verdict = 'accept' | 'retryable' | 'permanent';
/** How a call ends when it does not answer record by record. */
export type Blowup = 'none' | 'throw' | 'throw-sync' | 'throw-null' | 'throw-throttling' | 'unknown-ids';

export interface SinkPlan {
  verdicts: Verdict[];
  /** What call n (from 0) does; past the end, 'none'. */
  blowups: Blowup[];
}

export const sinkPlan: fc.Arbitrary<SinkPlan> = fc.record({
  verdicts: fc.array(fc.constantFrom<Verdict>('accept', 'accept', 'accept', 'retryable', 'retryable', 'permanent'), { minLength: 1, maxLength: 7 }),
  blowups: fc.array(fc.constantFrom<Blowup>('none', 'none', 'none', 'throw', 'throw-sync', 'throw-null', 'throw-throttling', 'unknown-ids'), { maxLength: 4 }),
});

const ERRORS: Record<Exclude<Verdict, 'accept'>, RecordError> = {
  retryable: { code: 'Fake.Throttled', message: 'try again', retryable: true },
  permanent: { code: 'Fake.Invalid', message: 'never', retryable: false },
};

export class FakeSink implements Sink {
  /** The ids of each call, in order. */
  readonly calls: string[][] = [];
  readonly accepted = new Set<string>();
  /** Records handed to this sink although it had accepted them before. */
  readonly regiven: string[] = [];

  constructor(
    readonly name: string,
    private readonly plan: SinkPlan,
  ) {}

  deliver(records: Rec[], _scope: DeliveryScope): Promise<SinkOutcome> {
    const call = this.calls.length;
    this.calls.push(records.map((r) => r.id));
    for (const r of records) if (this.accepted.has(r.id)) this.regiven.push(r.id);
    const blowup = this.plan.blowups[call] ?? 'none';
    if (blowup === 'throw-sync') throw new Error(`${this.name} broke before any request`);
    if (blowup === 'throw') return Promise.reject(new Error(`${this.name}: socket hang up`));
    if (blowup === 'throw-null') return Promise.reject(null);
    if (blowup === 'throw-throttling') return Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const failed = new Map<string, RecordError>();
    records.forEach((record, i) => {
      const verdict = this.plan.verdicts[(call * 3 + i) % this.plan.verdicts.length]!;
      if (verdict === 'accept') this.accepted.add(record.id);
      else failed.set(record.id, ERRORS[verdict]);
    });
    // ids the sink was never given: deliverBody must not take them for anything
    if (blowup === 'unknown-ids') failed.set('not-a-record-of-this-batch', ERRORS.retryable);
    return Promise.resolve({ failed, outputs: [`fake://${this.name}/${call}`] });
  }
}

/** A body of `count` fresh records, ids and units distinct. */
export function freshBody(count: number, prefix = 'r'): Body {
  const records: Rec[] = Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, unit: `u${i}`, data: { i } }));
  return { records, failed: [], quarantined: [], dropped: [], delivered: [], backedUp: [], outputs: {} };
}

/** What the backup step does to a body, without S3: failed records backed up, quarantined ones given a key. */
export function backedUpBody(body: Body): Body {
  return {
    ...body,
    quarantined: body.quarantined.map((q) => ({ ...q, key: q.key ?? 'errors/test.jsonl' })),
    failed: [],
    backedUp: [...body.backedUp, ...body.failed.map((r) => ({ id: r.id, unit: r.unit, key: 'errors/test.jsonl', code: r.error?.code ?? 'DeliveryFailed' }))],
  };
}

/** A clock for the delivery scope that can jump past the deadline after some sink calls. */
export function scopeWith(jumpAfterCalls: number | undefined, sinks: FakeSink[]): DeliveryScope {
  const start = 1_795_000_000_000;
  const deadline = start + 16_000;
  const calls = () => sinks.reduce((n, s) => n + s.calls.length, 0);
  return { batchId: 'kinesis.stream.shard.batch', deadline, now: () => (jumpAfterCalls !== undefined && calls() >= jumpAfterCalls ? deadline + 1 : start) };
}
