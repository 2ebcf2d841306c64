import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FirehoseTransformRequest } from '../../contracts/firehose.ts';
import { summary } from '../../cli/commands/run.ts';
import { LocalEngine } from '../../local/engine.ts';
import { localRedriver } from '../../local/redriver.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { businessEvent, eventsJsonl, firehoseRequest, pipesRecord } from '../../local/samples.ts';
import { redrivable } from '../../redrive/redrivable.ts';
import { redrive } from '../../redrive/redrive.ts';
import { tasks } from '../../tasks/index.ts';
import { s3Object } from '../../tasks/shared/batch-identity.ts';
import type { TaskContext } from '../../tasks/shared/context.ts';
import { ledgerRefusingOnce } from '../doubles/ledger-refusing-once.ts';
import { openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

/** An engine on the same stack whose task context has one part replaced: a fault that only this engine sees. */
const engineWith = (change: Partial<TaskContext>) => new LocalEngine({ ...h.stack.ctx, ...change }, { skipWaits: true });

describe('exactly once into the lake, whatever the batching (issue 6)', () => {
  it('a batch whose execution fails after delivery, retried by Pipes in two halves, leaves every record in the lake once', async () => {
    const batch = Array.from({ length: 40 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `half-${i}` }), i, 'shardId-000000000010'));
    // the account step's ledger write fails once, for good: the execution fails after the lake objects were staged
    const { ddb, state } = ledgerRefusingOnce(h.stack.ctx.ddb);
    const whole = await engineWith({ ddb }).run('kinesis', 's4-events-raw', batch);
    expect(whole.status).toBe('FAILED');
    expect(state.left).toBe(0);
    // the caught error is not an account report: `sluice run` still ends with its summary line (issue 11)
    expect(whole.account).toBeUndefined();
    expect(summary(whole)).toMatchObject({ status: 'FAILED', batchId: expect.stringMatching(/^kinesis\./), counts: null, error: 'ValidationException' });
    expect(summary(whole).outputs.backup?.[0]).toMatch(/^s3:\/\/sluice-backup\/inputs\//);
    // Pipes' AUTOMATIC_BISECT: the same records again, in two batches of their own
    const first = await h.stack.run('kinesis', 's4-events-raw', batch.slice(0, 20));
    const second = await h.stack.run('kinesis', 's4-events-raw', batch.slice(20));
    expect([first.status, second.status]).toStrictEqual(['SUCCEEDED', 'SUCCEEDED']);
    const lake = async () => (await h.lines('sluice-raw', 'events/')).filter((r) => String(r.event_id).startsWith('half-'));
    expect(await lake()).toHaveLength(40);
    expect(new Set((await lake()).map((r) => r.record_id)).size).toBe(40);
    // the halves delivered none of them: the whole batch had claimed and committed its records before its row failed
    expect([first.account?.counts, second.account?.counts]).toMatchObject([{ delivered: 0, dropped: 20 }, { delivered: 0, dropped: 20 }]);
    // its row still says FAILED: a redrive runs it again (its own claim does not stop it), under the same names
    const [pending] = await redrivable(h.stack.ctx, { batchId: summary(whole).batchId! });
    expect(pending).toMatchObject({ status: 'FAILED' });
    const [outcome] = await redrive(localRedriver(h.stack), [pending!]);
    expect(outcome).toMatchObject({ before: 'FAILED', after: 'SUCCEEDED' });
    expect(await lake()).toHaveLength(40);
    expect(new Set((await lake()).map((r) => r.record_id)).size).toBe(40);
  });

  it('a batch that claimed records and stopped before its row, with records other batches claimed, is redriven whole under its own name: every lake row counted by one row', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `own-${i}` }), i, 'shardId-000000000019'));
    const before = await h.stack.run('kinesis', 's4-events-raw', batch.slice(0, 10));
    expect(before.status).toBe('SUCCEEDED');
    // the re-read batch of 30 drops those 10 as redelivered, claims and commits the other 20; its row is refused (as a kill before it)
    const { ddb } = ledgerRefusingOnce(h.stack.ctx.ddb);
    const whole = await engineWith({ ddb }).run('kinesis', 's4-events-raw', batch);
    expect(whole.status).toBe('FAILED');
    const [pending] = await redrivable(h.stack.ctx, { batchId: summary(whole).batchId! });
    const [outcome] = await redrive(localRedriver(h.stack), [pending!]);
    expect(outcome).toMatchObject({ before: 'FAILED', after: 'SUCCEEDED' });
    const row = await h.ledger(summary(whole).batchId!);
    expect(row?.counts).toMatchObject({ in: 30, delivered: 20, dropped: 10 });
    const lake = (await h.lines('sluice-raw', 'events/')).filter((r) => String(r.event_id).startsWith('own-'));
    expect(lake).toHaveLength(30);
    expect(before.account!.counts.delivered + row!.counts.delivered).toBe(30);
  });

  it('a batch killed mid-way whose records a re-reading Pipe cut differently is redriven only for what is left', async () => {
    const batch = Array.from({ length: 30 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `recut-${i}` }), i, 'shardId-000000000016'));
    const decoded = (await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input: batch }, h.stack.ctx)) as { batchId: string };
    // the Pipe starts again and cuts the shard its own way: the first 20 records in one batch; the last 10 never came back
    expect((await h.stack.run('kinesis', 's4-events-raw', batch.slice(0, 20))).status).toBe('SUCCEEDED');
    const pending = await redrivable(h.stack.ctx, { batchId: decoded.batchId, unfinishedAfterSeconds: 0 });
    const [outcome] = await redrive(localRedriver(h.stack), pending);
    expect(outcome).toMatchObject({ before: 'STARTED', execution: 'SUCCEEDED (10 of 30 records)', after: 'SUPERSEDED' });
    const rows = (await h.lines('sluice-raw', 'events/')).filter((r) => String(r.event_id).startsWith('recut-'));
    expect(rows).toHaveLength(30);
    expect(new Set(rows.map((r) => r.record_id)).size).toBe(30);
  });
});

describe('a redrive with several batches in flight per shard (parallelizationFactor above 1)', () => {
  it('takes a batch that ended well to hold its own records only, not the other lanes\' records in its stretch', async () => {
    const shard = 'shardId-000000000017';
    const records = Array.from({ length: 20 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `lanes-${i}` }), i, shard));
    // two lanes of one shard, by partition key: the even records and the odd ones, interleaved in the shard
    const even = records.filter((_, i) => i % 2 === 0);
    const odd = records.filter((_, i) => i % 2 === 1);
    // the odd lane's execution is killed after its first step; the even lane's ends well, its stretch (0..18)
    // spanning the odd records; a Pipe that re-read the shard delivered the first five odd records again
    const killed = (await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input: odd }, h.stack.ctx)) as { batchId: string };
    expect((await h.stack.run('kinesis', 's4-events-raw', even)).status).toBe('SUCCEEDED');
    expect((await h.stack.run('kinesis', 's4-events-raw', odd.slice(0, 5))).status).toBe('SUCCEEDED');
    const pending = await redrivable(h.stack.ctx, { batchId: killed.batchId, unfinishedAfterSeconds: 0 });
    const [outcome] = await redrive(localRedriver(h.stack), pending);
    expect(outcome).toMatchObject({ before: 'STARTED', execution: 'SUCCEEDED (5 of 10 records)', after: 'SUPERSEDED' });
    const rows = (await h.lines('sluice-raw', 'events/')).filter((r) => String(r.event_id).startsWith('lanes-'));
    expect(rows.map((r) => r.event_id).sort()).toStrictEqual(records.map((_, i) => `lanes-${i}`).sort());
  });

  it('a redriven lane\'s batch claims no other lane\'s records: two lanes killed, redriven one after the other', async () => {
    const records = Array.from({ length: 20 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `lanes-later-${i}` }), i, 'shardId-000000000018'));
    const killed = [];
    for (const lane of [1, 0]) {
      const input = records.filter((_, i) => i % 2 === lane);
      killed.push(((await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input }, h.stack.ctx)) as { batchId: string }).batchId);
    }
    // the odd lane's batch, redriven first, must not claim the even records between its own
    for (const batchId of killed) {
      const [outcome] = await redrive(localRedriver(h.stack), await redrivable(h.stack.ctx, { batchId, unfinishedAfterSeconds: 0 }));
      expect(outcome).toMatchObject({ before: 'STARTED', execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    }
    const rows = (await h.lines('sluice-raw', 'events/')).filter((r) => String(r.event_id).startsWith('lanes-later-'));
    expect(rows.map((r) => r.event_id).sort()).toStrictEqual(records.map((_, i) => `lanes-later-${i}`).sort());
  });
});

describe('every execution leaves a trace from its first step (issue 6)', () => {
  it('an execution that stopped after its first step (killed, timed out) is STARTED with its input kept, and redrive finishes it', async () => {
    const batch = Array.from({ length: 5 }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `killed-${i}` }), i, 'shardId-000000000011'));
    // what a kill -9 after decode leaves behind: the first step ran, nothing after it
    const decoded = (await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input: batch }, h.stack.ctx)) as { batchId: string };
    const row = await h.ledger(decoded.batchId);
    expect(row).toMatchObject({ status: 'STARTED', inputKey: `inputs/${decoded.batchId}.json` });
    // not yet: an execution STARTED a moment ago may still be running
    expect(await redrivable(h.stack.ctx, { batchId: decoded.batchId })).toStrictEqual([]);
    const pending = await redrivable(h.stack.ctx, { batchId: decoded.batchId, unfinishedAfterSeconds: 0 });
    expect(pending).toHaveLength(1);
    const [outcome] = await redrive(localRedriver(h.stack), pending);
    expect(outcome).toMatchObject({ before: 'STARTED', execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    expect((await h.lines('sluice-raw', 'events/')).filter((r) => String(r.event_id).startsWith('killed-'))).toHaveLength(5);
  });

  it('with S3 down during an s3-workflow run, the trigger event is kept in the ledger row and the object is redriven once S3 is back', async () => {
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: 'events/while-s3-down.jsonl', Body: eventsJsonl(30) }));
    const dead = new S3Client({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const event = objectCreatedFor('sluice-raw', 'events/while-s3-down.jsonl');
    const result = await engineWith({ s3: dead }).run('s3', 's4-events-processed', event);
    expect(result.status).toBe('FAILED');
    const [pending] = await redrivable(h.stack.ctx, { pipeline: 's4-events-processed' });
    expect(pending).toMatchObject({ status: 'FAILED', workflow: 's3', input: event });
    const [outcome] = await redrive(localRedriver(h.stack), [pending!]);
    expect(outcome).toMatchObject({ before: 'FAILED', execution: 'SUCCEEDED', after: 'SUCCEEDED' });
  });

  it('a BACKED_UP object keeps its own event, never a chunk\'s input, and is redriven from it, cut as its first run cut it', async () => {
    const key = 'events/three-chunks.jsonl';
    const lines = eventsJsonl(20)
      .split('\n')
      .filter(Boolean)
      .map((line, i) => JSON.stringify({ ...JSON.parse(line), event_id: `three-chunks-${i}` }));
    lines[15] = lines[15]!.replace('"payload":{', '"payload":{"tiny":1e-200,');
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: lines.join('\n') }));
    // this run: chunks of 2 KB, and a DynamoDB sink beside the lake that cannot take the tiny number
    const pipeline = h.stack.config.pipelines['s4-events-processed']!;
    const config = {
      ...h.stack.config,
      limits: { ...h.stack.config.limits, chunkBytes: 2_000 },
      pipelines: { ...h.stack.config.pipelines, 's4-events-processed': { ...pipeline, sinks: [...pipeline.sinks, { type: 'dynamodb' as const, table: 'sluice-events' }] } },
    };
    const event = objectCreatedFor('sluice-raw', key);
    const first = await engineWith({ config }).run('s3', 's4-events-processed', event);
    expect(first.status).toBe('SUCCEEDED');
    expect(first.account).toMatchObject({ status: 'BACKED_UP', counts: { in: 20, backedUp: 1 } });
    expect(first.chunks!.length).toBeGreaterThan(1);
    const [pending] = await redrivable(h.stack.ctx, { batchId: first.account!.batchId });
    expect(pending).toMatchObject({ status: 'BACKED_UP', workflow: 's3', input: event });
    // the redrive runs with the stack's own chunk size (4 MB, the object is one chunk): it cuts the object as
    // the first run did, so its lake objects are those of the first run, written again
    const [outcome] = await redrive(localRedriver(h.stack), [pending!]);
    expect(outcome).toMatchObject({ before: 'BACKED_UP', execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    const lake = (await h.lines('sluice-lake', 'processed/')).filter((r) => String(r.event_id).startsWith('three-chunks-'));
    expect(lake).toHaveLength(20);
    expect(new Set(lake.map((r) => r.record_id)).size).toBe(20);
  });
});

describe('an object of one chunk that fails in its chain', () => {
  it('whose servers go away right after its row says it ended (a stop past its deadline, a kill -9) has its lines in the lake', async () => {
    const key = 'events/killed-in-account.jsonl';
    const lines = eventsJsonl(6)
      .split('\n')
      .filter(Boolean)
      .map((line, i) => JSON.stringify({ ...JSON.parse(line), event_id: `killed-in-account-${i}` }));
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: lines.join('\n') }));
    const event = objectCreatedFor('sluice-raw', key);
    // what `sluice start`'s stop does past its deadline (stack.stop(): s3rver and dynalite go, the execution runs
    // on and every call it makes is refused), or a kill -9: here, right after the account step's row was written
    let gone = false;
    const refused = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1'), { name: 'Error', code: 'ECONNREFUSED' }));
    const realDdb = h.stack.ctx.ddb;
    const realS3 = h.stack.ctx.s3;
    const ddb = {
      send: async (command: object) => {
        if (gone) return refused();
        const result = await realDdb.send(command as never);
        const values = command instanceof UpdateCommand ? Object.values(command.input.ExpressionAttributeValues ?? {}) : [];
        if (values.includes('SUCCEEDED')) gone = true;
        return result;
      },
    } as unknown as TaskContext['ddb'];
    const s3 = { send: (command: object) => (gone ? refused() : realS3.send(command as never)) } as unknown as TaskContext['s3'];
    await engineWith({ ddb, s3 }).run('s3', 's4-events-processed', event);
    expect(gone).toBe(true);
    const lake = (await h.lines('sluice-lake', 'processed/')).filter((r) => String(r.event_id).startsWith('killed-in-account-'));
    // the servers are back (the next start): an object is delivered again by nothing, so its row said SUCCEEDED
    // (and let its event go) only once the lake had it
    expect(lake).toHaveLength(6);
    expect(await h.ledger(s3Object(event).batchId)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('stays pinned after a later run of the object that failed before delivering anything', async () => {
    const key = 'events/pin-lost.jsonl';
    const lines = eventsJsonl(20)
      .split('\n')
      .filter(Boolean)
      .map((line, i) => JSON.stringify({ ...JSON.parse(line), event_id: `pin-lost-${i}` }));
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: lines.join('\n') }));
    const event = objectCreatedFor('sluice-raw', key);
    const lake = async () => (await h.lines('sluice-lake', 'processed/')).filter((r) => String(r.event_id).startsWith('pin-lost-'));
    // run 1, with chunks of 2 KB: several chunk executions, every line in the lake once
    const small = { ...h.stack.config, limits: { ...h.stack.config.limits, chunkBytes: 2_000 } };
    const first = await engineWith({ config: small }).run('s3', 's4-events-processed', event);
    expect(first.status).toBe('SUCCEEDED');
    expect(first.chunks!.length).toBeGreaterThan(1);
    expect(await lake()).toHaveLength(20);
    // run 2, a duplicate event of the object (same settings), while S3 cannot be read: it fails in its split, before any chunk
    const dead = new S3Client({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
    const second = await engineWith({ config: small, s3: dead }).run('s3', 's4-events-processed', event);
    expect(second.status).toBe('FAILED');
    expect(await h.ledger(first.account!.batchId)).toMatchObject({ status: 'FAILED', chunkBytes: 2_000 });
    // the redrive, with the chunk size now in force (4 MB): the README says it cuts the object as the run that delivered did
    const [pending] = await redrivable(h.stack.ctx, { batchId: first.account!.batchId });
    const [outcome] = await redrive(localRedriver(h.stack), [pending!]);
    expect(outcome).toMatchObject({ before: 'FAILED', execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    const rows = await lake();
    expect(new Set(rows.map((r) => r.record_id)).size).toBe(20);
    expect(rows).toHaveLength(20);
  });

  it('is FAILED with its event kept when its row cannot be written, and its redrive, at another chunk size, writes the lake objects it committed again, not beside them', async () => {
    const key = 'events/one-chunk-fails.jsonl';
    const lines = eventsJsonl(8)
      .split('\n')
      .filter(Boolean)
      .map((line, i) => JSON.stringify({ ...JSON.parse(line), event_id: `one-chunk-fails-${i}` }));
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: lines.join('\n') }));
    const event = objectCreatedFor('sluice-raw', key);
    const lake = async () => (await h.lines('sluice-lake', 'processed/')).filter((r) => String(r.event_id).startsWith('one-chunk-fails-'));
    // the account step's row is refused, for good: an object commits its lake objects first (nothing delivers it
    // again, so its row says it ended only once the lake has it)
    const { ddb, state } = ledgerRefusingOnce(h.stack.ctx.ddb);
    const failed = await engineWith({ ddb }).run('s3', 's4-events-processed', event);
    expect([failed.status, state.left]).toStrictEqual(['FAILED', 0]);
    expect(failed.chunks ?? []).toHaveLength(0);
    expect(await lake()).toHaveLength(8);
    const [pending] = await redrivable(h.stack.ctx, { pipeline: 's4-events-processed' });
    expect(pending).toMatchObject({ status: 'FAILED', workflow: 's3', input: event });
    // redriven after the chunk size was lowered (its 1,336 bytes in chunks of 500): it is cut as the run that put it in the lake cut it (cut in chunks,
    // its chunks named other lake objects: each record twice; 80 rows for 40 in helper-37's test)
    const limits = h.stack.config.limits;
    const chunkBytes = limits.chunkBytes;
    limits.chunkBytes = 500;
    try {
      const [outcome] = await redrive(localRedriver(h.stack), [pending!]);
      expect(outcome).toMatchObject({ before: 'FAILED', execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    } finally {
      limits.chunkBytes = chunkBytes;
    }
    const rows = await lake();
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.record_id)).size).toBe(8);
  });
});

describe('two runs of one object at once (a duplicate Object Created event)', () => {
  it('the one that backs a record up keeps the event in the row, though the other ended well and let it go first', async () => {
    const key = 'events/twice-at-once.jsonl';
    const lines = eventsJsonl(6).split('\n');
    lines[2] = lines[2]!.replace('"payload":{', '"payload":{"tiny":1e-200,');
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: lines.join('\n') }));
    const event = objectCreatedFor('sluice-raw', key);
    // this run's DynamoDB sink cannot take the tiny number: it backs that record up. Just before its account
    // step writes the row, the other run's SUCCEEDED lands (what that run's account step writes: no input)
    const pipeline = h.stack.config.pipelines['s4-events-processed']!;
    const config = { ...h.stack.config, pipelines: { ...h.stack.config.pipelines, 's4-events-processed': { ...pipeline, sinks: [...pipeline.sinks, { type: 'dynamodb' as const, table: 'sluice-events' }] } } };
    const real = h.stack.ctx.ddb;
    let overtaken = false;
    const ddb = {
      send: async (command: UpdateCommand) => {
        const values = command.input?.ExpressionAttributeValues ?? {};
        if (!overtaken && command instanceof UpdateCommand && Object.values(values).includes('BACKED_UP')) {
          overtaken = true;
          await real.send(new UpdateCommand({ TableName: h.stack.config.ledgerTable, Key: command.input.Key, UpdateExpression: 'SET #s = :s REMOVE #i', ExpressionAttributeNames: { '#s': 'status', '#i': 'input' }, ExpressionAttributeValues: { ':s': 'SUCCEEDED' } }));
        }
        return real.send(command as never);
      },
    } as unknown as TaskContext['ddb'];
    const result = await engineWith({ config, ddb }).run('s3', 's4-events-processed', event);
    expect(overtaken).toBe(true);
    expect(result.account).toMatchObject({ status: 'BACKED_UP', counts: { in: 6, backedUp: 1 } });
    const [pending] = await redrivable(h.stack.ctx, { batchId: result.account!.batchId });
    expect(pending).toMatchObject({ status: 'BACKED_UP', workflow: 's3', input: event });
  });
});

describe('Firehose transform mode (issue 6)', () => {
  it('redriving a failed transform-mode batch puts its records back on the delivery stream instead of discarding a response', async () => {
    const request: FirehoseTransformRequest = firehoseRequest([JSON.stringify({ message: 'one' }), JSON.stringify({ message: 'two' })], 'inv-put-back');
    // the account step fails for good: the execution FAILED, and Firehose would have kept the records under processing-failed/
    const failed = await engineWith({ ddb: ledgerRefusingOnce(h.stack.ctx.ddb).ddb }).run('firehose', 's1-api-to-newrelic', request);
    expect(failed.status).toBe('FAILED');
    const pending = await redrivable(h.stack.ctx, { pipeline: 's1-api-to-newrelic' });
    expect(pending.map((p) => p.status)).toStrictEqual(['FAILED']);
    h.stack.deliveryStreams.take('sluice-ingest');
    const [outcome] = await redrive(localRedriver(h.stack), pending);
    expect(outcome).toMatchObject({ before: 'FAILED', execution: 'REINGESTED', after: 'SUCCEEDED' });
    expect(h.stack.deliveryStreams.take('sluice-ingest').map(String)).toStrictEqual(['{"message":"one"}', '{"message":"two"}']);
  });
});
