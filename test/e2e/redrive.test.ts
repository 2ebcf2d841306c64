import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerStatus } from '../../local/ledger-status.ts';
import { localRedriver } from '../../local/redriver.ts';
import { redriveBatch } from '../../redrive/redrive-batch.ts';
import { redrivable } from '../../redrive/redrivable.ts';
import { redrive, type Redriver } from '../../redrive/redrive.ts';
import { businessEvent, pipesRecord, s0Request } from '../../local/samples.ts';
import { tasks } from '../../tasks/index.ts';
import type { OpenSearchDouble } from '../doubles/opensearch.ts';
import { openStackWithOpenSearch, type Harness } from './harness.ts';

let os: OpenSearchDouble;
let h: Harness;
let stop: () => Promise<void>;
beforeAll(async () => {
  ({ os, h, stop } = await openStackWithOpenSearch());
});
afterAll(() => stop());

describe('redrive', () => {
  it('re-runs a backed-up batch from its input once the sink is back: every record delivered, none twice', async () => {
    const request = s0Request(2, 4, 500);
    let firstOk: string | undefined;
    // OpenSearch accepts one document, then refuses everything for a while
    os.failItems((id) => (firstOk ??= id) !== id, 503, 1000);
    const first = await h.stack.run('firehose', 's0-logs-to-opensearch', request);
    expect(first.account).toMatchObject({ status: 'BACKED_UP', counts: { in: 9, delivered: 1, backedUp: 7, dropped: 1 } });

    const pending = await redrivable(h.stack.ctx);
    expect(pending.map((p) => [p.batchId, p.status])).toStrictEqual([[first.account!.batchId, 'BACKED_UP']]);
    expect(await h.ledger(first.account!.batchId)).not.toHaveProperty('expiresAt');

    os.heal();
    const writesBefore = os.writes.length;
    const [outcome] = await redrive(localRedriver(h.stack), pending);
    expect(outcome).toMatchObject({ before: 'BACKED_UP', execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    expect((await h.ledger(first.account!.batchId))!.counts).toMatchObject({ in: 9, delivered: 8, backedUp: 0, dropped: 1 });
    expect(os.writes.length - writesBefore).toBe(7);
    expect(os.count('cwl')).toBe(8);
    expect(new Set(os.writes).size).toBe(os.writes.length);
    expect(await redrivable(h.stack.ctx)).toStrictEqual([]);
  });

  it('runs one redrive of a batch at a time, whichever process asks: a second, at once, from a reading made before the first ended, or while another holds the batch, starts nothing (two at once put a transform batch back twice)', async () => {
    const request = s0Request(1, 3, 600);
    os.failItems(() => true, 503, 1000);
    const first = await h.stack.run('firehose', 's0-logs-to-opensearch', request);
    expect(first.account).toMatchObject({ status: 'BACKED_UP' });
    os.heal();
    const pending = await redrivable(h.stack.ctx, { batchId: first.account!.batchId });
    const writesBefore = os.writes.length;
    // the second as another process would run it: a DynamoDB client of its own
    const [a, b] = await Promise.all([redrive(localRedriver(h.stack), pending), redrive(asAnotherProcess(localRedriver(h.stack)), pending)]);
    expect([a![0]!.execution, b![0]!.execution].sort()).toStrictEqual(['NOT_STARTED', 'SUCCEEDED']);
    expect([a![0]!, b![0]!].find((o) => o.execution === 'NOT_STARTED')!.error).toMatch(/^another redrive of this batch is under way \(it holds the batch until \d{4}-\d\d-\d\dT[\d:.]+Z, when its hold lapses should it have stopped\)$/);
    // read before the first redrive, acted on after it: the row has changed since
    const [late] = await redrive(localRedriver(h.stack), pending);
    expect(late).toMatchObject({ execution: 'NOT_STARTED', error: expect.stringMatching(/^the batch changed since it was read \(it stands SUCCEEDED now\)/) });
    expect(os.writes.length - writesBefore).toBe(3);
    // the batch is let go once its redrive has ended
    expect(await h.ledger(first.account!.batchId)).not.toHaveProperty('redriveLease');
  });

  it('redrives a batch whose last redrive stopped without letting go only once that hold has lapsed', async () => {
    const request = s0Request(1, 2, 700);
    os.failItems(() => true, 503, 1000);
    const first = await h.stack.run('firehose', 's0-logs-to-opensearch', request);
    os.heal();
    const batchId = first.account!.batchId;
    const [pending] = await redrivable(h.stack.ctx, { batchId });
    // a redrive killed after it took the batch: its hold stays in the row
    const hold = (until: number) => h.stack.ctx.ddb.send(new UpdateCommand({ TableName: h.stack.config.ledgerTable, Key: { batchId }, UpdateExpression: 'SET redriveLease = :lease', ExpressionAttributeValues: { ':lease': { token: 'killed', until: new Date(until).toISOString() } } }));
    await hold(Date.now() + 60_000);
    const [held] = await redrive(localRedriver(h.stack), [pending!]);
    expect(held).toMatchObject({ execution: 'NOT_STARTED', after: 'BACKED_UP', error: expect.stringMatching(/^another redrive of this batch is under way/) });
    await hold(Date.now() - 1_000);
    const [lapsed] = await redrive(localRedriver(h.stack), [pending!]);
    expect(lapsed).toMatchObject({ execution: 'SUCCEEDED', after: 'SUCCEEDED' });
    expect(await h.ledger(batchId)).not.toHaveProperty('redriveLease');
  });

  it('leaves a permanent failure alone and says so; --force redrives it, and bad input fails again', async () => {
    const failed = await h.stack.run('kinesis', 's3-events-to-archive', { not: 'a batch' });
    expect(failed.status).toBe('FAILED');
    const said: string[] = [];
    expect(await redrivable(h.stack.ctx, { pipeline: 's3-events-to-archive' }, (problem) => said.push(problem))).toStrictEqual([]);
    expect(said).toStrictEqual([expect.stringMatching(/^kinesis\..* failed for good \(Sluice\.InvalidInput: .*\); left alone: --force redrives it$/)]);
    const [pending] = await redrivable(h.stack.ctx, { pipeline: 's3-events-to-archive', force: true });
    expect(pending).toMatchObject({ status: 'FAILED', workflow: 'kinesis', error: { Error: 'Sluice.InvalidInput' } });
    const [outcome] = await redrive(localRedriver(h.stack), [pending!]);
    expect(outcome).toMatchObject({ before: 'FAILED', execution: 'FAILED', error: 'Sluice.InvalidInput', after: 'FAILED' });
  });

  it('leaves alone a batch of a pipeline the configuration does not have, and says so (its redrive failed it for good)', async () => {
    const time = new Date(h.stack.ctx.now()).toISOString();
    await h.stack.ctx.ddb.send(new PutCommand({ TableName: h.stack.config.ledgerTable, Item: { batchId: 's3.elsewhere', pipeline: 'ops-plain', workflow: 's3', status: 'BACKED_UP', time, startedAt: time, source: { bucket: 'sluice-raw', key: 'events/x.jsonl' }, input: { any: 1 } } }));
    const said: string[] = [];
    expect(await redrivable(h.stack.ctx, { batchId: 's3.elsewhere' }, (problem) => said.push(problem))).toStrictEqual([]);
    expect(said).toStrictEqual(['s3.elsewhere is BACKED_UP, of pipeline "ops-plain", which this configuration does not have (it ran under another: give its --config); left alone']);
    // the inspector's redrive says the same
    expect(await redriveBatch(localRedriver(h.stack), 's3.elsewhere')).toStrictEqual({ batchId: 's3.elsewhere', skipped: `nothing redriven: ${said[0]}` });
    // and the status shows it, where it was left out (and looked balanced while redrive listed the batch)
    const status = await ledgerStatus(h.stack.ctx, (problem) => expect.fail(problem));
    expect(status.find((p) => p.pipeline === 'ops-plain')).toMatchObject({ unconfigured: true, batches: { BACKED_UP: 1 } });
    expect(status.find((p) => p.pipeline === 's3-events-to-archive')).not.toHaveProperty('unconfigured');
  });

  it('redrives an object when one of its chunks is named (the inspector\'s button on a failed chunk execution did nothing, and said --force would help)', async () => {
    const time = new Date(h.stack.ctx.now()).toISOString();
    const row = { pipeline: 's4-events-processed', workflow: 's3', status: 'FAILED', time, startedAt: time, source: { bucket: 'sluice-raw', key: 'events/y.jsonl' }, error: { Error: 'AccessDenied', Cause: 'refused' } };
    await h.stack.ctx.ddb.send(new PutCommand({ TableName: h.stack.config.ledgerTable, Item: { ...row, batchId: 's3.chunked', input: { any: 1 } } }));
    await h.stack.ctx.ddb.send(new PutCommand({ TableName: h.stack.config.ledgerTable, Item: { ...row, batchId: 's3.chunked.chunk-00001', source: { ...row.source, firstLine: 40, chunk: 1 } } }));
    const said: string[] = [];
    expect((await redrivable(h.stack.ctx, { batchId: 's3.chunked.chunk-00001' }, (problem) => said.push(problem))).map((r) => r.batchId)).toStrictEqual(['s3.chunked']);
    expect(said).toStrictEqual(['s3.chunked.chunk-00001 is a chunk of s3.chunked: the object is the batch to redrive']);
    for (const batchId of ['s3.chunked', 's3.chunked.chunk-00001']) await h.stack.ctx.ddb.send(new DeleteCommand({ TableName: h.stack.config.ledgerTable, Key: { batchId } }));
  });

  it('says which due row keeps no input to start from, and passes over a chunk row (its object is the one to redrive)', async () => {
    const time = new Date(h.stack.ctx.now()).toISOString();
    const row = { pipeline: 's4-events-processed', workflow: 's3', status: 'BACKED_UP', time, startedAt: time, source: { bucket: 'sluice-raw', key: 'events/x.jsonl' } };
    await h.stack.ctx.ddb.send(new PutCommand({ TableName: h.stack.config.ledgerTable, Item: { ...row, batchId: 's3.no-input' } }));
    await h.stack.ctx.ddb.send(new PutCommand({ TableName: h.stack.config.ledgerTable, Item: { ...row, batchId: 's3.no-input.chunk-00001', source: { ...row.source, firstLine: 40, chunk: 1 } } }));
    const said: string[] = [];
    expect(await redrivable(h.stack.ctx, { pipeline: 's4-events-processed' }, (problem) => said.push(problem))).toStrictEqual([]);
    expect(said).toStrictEqual(['s3.no-input is BACKED_UP but its row keeps no input to start it again from; left alone']);
  });

  it('reports a batch whose kept input expired, and goes on with the others', async () => {
    const [gone, kept] = await Promise.all(
      ['inputs-gone', 'inputs-kept'].map(async (tag, i) => {
        const records = Array.from({ length: 3 }, (_, n) => pipesRecord(JSON.stringify({ ...businessEvent(n), event_id: `${tag}-${n}` }), n, `shardId-00000000006${i}`));
        return ((await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input: records }, h.stack.ctx)) as { batchId: string }).batchId;
      }),
    );
    // the backup bucket's expiry took the first one's input
    await h.stack.ctx.s3.send(new DeleteObjectCommand({ Bucket: h.stack.config.buckets.backup, Key: `inputs/${gone}.json` }));
    const due = [...(await redrivable(h.stack.ctx, { batchId: gone!, unfinishedAfterSeconds: 0 })), ...(await redrivable(h.stack.ctx, { batchId: kept!, unfinishedAfterSeconds: 0 }))];
    const outcomes = await redrive(localRedriver(h.stack), due);
    expect(outcomes).toMatchObject([
      { batchId: gone, execution: 'NOT_STARTED', after: 'STARTED', error: expect.stringContaining(`its kept input, s3://sluice-backup/inputs/${gone}.json, is gone`) },
      { batchId: kept, execution: 'SUCCEEDED', after: 'SUCCEEDED' },
    ]);
  });
});

/** The same ledger and stack through a DynamoDB client of its own, as a second `sluice redrive` process reaches them. */
function asAnotherProcess(redriver: Redriver): Redriver {
  const config = redriver.ctx.ddb.config;
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: config.endpoint, region: config.region, credentials: config.credentials }), { marshallOptions: { removeUndefinedValues: true } });
  return { ...redriver, ctx: { ...redriver.ctx, ddb } };
}
