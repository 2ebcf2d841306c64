import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { firehoseSettings } from '../../../contracts/config.ts';
import type { WorkflowName } from '../../../contracts/batch.ts';
import type { ExecutionResult } from '../../../local/engine.ts';
import { withFirehoseBackups } from '../../../local/firehose-backups.ts';
import { ledgerStatus } from '../../../local/ledger-status.ts';
import { localRedriver } from '../../../local/redriver.ts';
import type { LocalStack } from '../../../local/stack.ts';
import { CloudWatchSubscription } from '../../../local/sources/cloudwatch-subscription.ts';
import { httpEndpointDestination, s3Destination } from '../../../local/sources/firehose-destinations.ts';
import { FirehoseStream, type Destination } from '../../../local/sources/firehose-stream.ts';
import { NewRelicStandIn } from '../../../local/stand-ins/new-relic.ts';
import { sweep } from '../../../redrive/sweep.ts';
import { tasks } from '../../../tasks/index.ts';
import type { OpenSearchDouble } from '../../doubles/opensearch.ts';
import { openStackWithOpenSearch, until, type Harness } from '../../e2e/harness.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const S0 = 's0-logs-to-opensearch';
const S1 = 's1-api-to-newrelic';

let os: OpenSearchDouble;
let h: Harness;
let stop: () => Promise<void>;
const dir = mkdtempSync(join(tmpdir(), 'sluice-firehose-stream-'));
beforeAll(async () => {
  ({ os, h, stop } = await openStackWithOpenSearch());
});
afterAll(async () => {
  await stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A stream flushing as soon as it holds anything, every workflow run it starts kept. */
async function openStream(pipeline: string, destination: Destination, options: { stack?: LocalStack; bufferFile?: string } = {}) {
  const results: ExecutionResult[] = [];
  const settings = { ...firehoseSettings(pipeline, h.stack.config.pipelines[pipeline]!), sizeMb: 1, intervalSeconds: 0 };
  const stream = await FirehoseStream.open(options.stack ?? h.stack, { pipeline, settings, destination, bufferFile: options.bufferFile, onResult: (r) => results.push(r) });
  return { stream, results };
}

/** The records the ledger counts in, over every batch of a pipeline that ended. */
const ledgerIn = async (pipeline: string) => (await ledgerStatus(h.stack.ctx, (problem) => expect.fail(problem))).find((p) => p.pipeline === pipeline)!.records.in;

/** The `@message` of every row of S0's lake that is one of `messages`. */
async function lakeMessages(messages: string[]): Promise<string[]> {
  const rows = await h.lines('sluice-lake', 'logs/');
  return rows.map((row) => row['@message'] as string).filter((m) => messages.includes(m)).sort();
}

/** The S0 metadata destination, refusing its first put as S3 would with a 503, every call seen. */
function refusingOnce(real: Destination, refusals = 1) {
  const calls: { id: string; since: number; records: string[] }[] = [];
  const destination: Destination = {
    failedType: real.failedType,
    async deliver(records, batch) {
      calls.push({ ...batch, records: records.map((r) => r.recordId) });
      if (calls.length <= refusals) throw new Error('S3 refused the metadata object (503 SlowDown)');
      return real.deliver(records, batch);
    },
  };
  return { destination, calls };
}

/** The stack with its S3 client refusing the first put under `prefix` (a 503 SlowDown); the workflow's own S3 calls go through. */
function refusingFirstPut(prefix: string) {
  const refused: string[] = [];
  const send = (command: { input?: { Key?: string } }) => {
    const key = String(command.input?.Key ?? '');
    if (key.startsWith(prefix) && refused.length === 0) {
      refused.push(key);
      return Promise.reject(Object.assign(new Error('SlowDown'), { name: 'SlowDown' }));
    }
    return h.stack.ctx.s3.send(command as never);
  };
  const stack: LocalStack = { ...h.stack, ctx: { ...h.stack.ctx, s3: { send } as unknown as LocalStack['ctx']['s3'] } };
  return { stack, refused };
}

const backups = async (prefix: string) => {
  const records: Record<string, any>[] = [];
  for (const key of await h.keys('sluice-backup', prefix)) records.push(...(await h.text('sluice-backup', key)).split('\n').filter(Boolean).map((line) => JSON.parse(line)));
  return records;
};

describe('a delivery stream whose steps after the transformation fail: only what failed is tried again, for the same batch', () => {
  it('S0: a metadata put that fails is put again for the batch it was; the records that came meanwhile are the next batch; each log event once in the lake and the ledger', async () => {
    const ledgerBefore = await ledgerIn(S0);
    const { destination, calls } = refusingOnce(s3Destination(h.stack, S0));
    const { stream, results } = await openStream(S0, destination);
    const subscription = new CloudWatchSubscription();
    await stream.put(subscription.wrap('/app/retry', 'web-1', ['one', 'two', 'three']).records);
    await until(() => calls.length === 1, 'the first delivery attempt');
    // the producer goes on while the stream waits before it tries again
    await stream.put(subscription.wrap('/app/retry', 'web-1', ['four', 'five']).records);
    await until(() => stream.buffered.records === 0, 'the buffer processed');
    await stream.stop(5_000);

    // the workflow ran once per batch: no second run over the first records, cut anew with the new ones
    expect(results.map((r) => [r.status, r.account?.counts.in])).toStrictEqual([['SUCCEEDED', 3], ['SUCCEEDED', 2]]);
    expect(calls.map((c) => c.records.length)).toStrictEqual([1, 1, 1]);
    expect(calls[1]).toStrictEqual(calls[0]);
    expect(calls[2]!.id).not.toBe(calls[0]!.id);
    expect(os.count('cwl')).toBe(5);
    expect(await lakeMessages(['one', 'two', 'three', 'four', 'five'])).toStrictEqual(['five', 'four', 'one', 'three', 'two']);
    expect((await ledgerIn(S0)) - ledgerBefore).toBe(5);
    // one metadata object per batch, named by it
    const metadata = await h.keys('sluice-backup', `firehose-metadata/${S0}/`);
    expect(metadata).toHaveLength(2);
    expect(metadata.filter((key) => key.endsWith(`-${calls[0]!.id}.gz`))).toHaveLength(1);
  });

  it('S1: a processing-failed backup put that fails after New Relic took the Ok record is put again alone: the record reaches New Relic once', async () => {
    const newRelic = new NewRelicStandIn();
    await newRelic.start();
    const ledgerBefore = await ledgerIn(S1);
    const { stack, refused } = refusingFirstPut(`processing-failed/${S1}/processing-failed/`);
    const { stream, results } = await openStream(S1, httpEndpointDestination(newRelic.firehoseUrl, 300), { stack });
    // one record New Relic takes, one the transformation answers ProcessingFailed
    await stream.put([Buffer.from('{"message":"signed in once","level":"info"}'), Buffer.from('{"level":"warn"}')]);
    await until(() => refused.length === 1 && stream.buffered.records === 0, 'the buffer processed');
    await stream.stop(5_000);
    await newRelic.stop();

    expect(newRelic.logs.filter((log) => log.message === 'signed in once')).toHaveLength(1);
    expect(results.map((r) => r.account?.counts.in)).toStrictEqual([2]);
    expect((await ledgerIn(S1)) - ledgerBefore).toBe(2);
    // the backup that was refused, written once, under the name it was refused under
    const failed = await backups(`processing-failed/${S1}/processing-failed/`);
    expect(failed.map((f) => Buffer.from(f.rawData, 'base64').toString())).toStrictEqual(['{"level":"warn"}']);
    expect(await h.keys('sluice-backup', `processing-failed/${S1}/processing-failed/`)).toStrictEqual(refused);
  });

  it('S1: a delivery whose answer was lost is tried again with the same requestId and records; one given up on is backed up, its backup put tried again alone', async () => {
    // an endpoint that takes the first request, then refuses every one (500)
    const seen: { requestId: string; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = gunzipSync(Buffer.concat(chunks)).toString();
        const requestId = String(req.headers['x-amz-firehose-request-id']);
        seen.push({ requestId, body: JSON.stringify((JSON.parse(body) as { records: unknown }).records) });
        res.writeHead(seen.length === 1 ? 200 : 500).end(JSON.stringify({ requestId, timestamp: Date.now() }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { stack, refused } = refusingFirstPut(`processing-failed/${S1}/http-endpoint-failed/`);
    // no retry duration: one attempt per delivery; the first delivery's answer is lost on its way back
    const real = httpEndpointDestination(url, 0);
    let lost = false;
    const destination: Destination = {
      failedType: real.failedType,
      async deliver(records, batch) {
        const undelivered = await real.deliver(records, batch);
        if (lost) return undelivered;
        lost = true;
        throw new Error('the answer was lost on its way back');
      },
    };
    const ledgerBefore = await ledgerIn(S1);
    const said = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const { stream, results } = await openStream(S1, destination, { stack });
    await stream.put([Buffer.from('{"message":"asked twice","level":"info"}')]);
    await until(() => refused.length === 1 && stream.buffered.records === 0, 'the buffer processed');
    await stream.stop(5_000);
    await new Promise((resolve) => server.close(resolve));

    // the same request twice, as Firehose retries it: an endpoint can tell it is the same
    expect(seen).toHaveLength(2);
    expect(seen[1]).toStrictEqual(seen[0]);
    expect(results).toHaveLength(1);
    expect((await ledgerIn(S1)) - ledgerBefore).toBe(1);
    // the second try failed and the retry duration was spent: backed up once, with no third request
    const failed = await backups(`processing-failed/${S1}/http-endpoint-failed/`);
    expect(failed.map((f) => [JSON.parse(Buffer.from(f.rawData, 'base64').toString()).message, f.errorCode])).toStrictEqual([['asked twice', 'HttpEndpoint.ResponseErrorCode']]);
    // the ledger counts the record delivered (to Firehose): the stream says where it is, and so does status
    const lines = said.mock.calls.map(([text]) => String(text));
    said.mockRestore();
    expect(lines.filter((line) => line.includes('were not taken by the destination within the retry duration'))).toHaveLength(1);
    const [status] = await withFirehoseBackups(h.stack.ctx, (await ledgerStatus(h.stack.ctx, () => undefined)).filter((s) => s.pipeline === S1));
    // only what the destination did not take: the processing-failed batches of the other tests are the ledger's to count
    expect(status!.firehoseBackups).toStrictEqual({ prefix: `s3://${h.stack.config.buckets.backup}/processing-failed/${S1}/`, batches: { 'http-endpoint-failed': 1 } });
  });

  it('a restart goes on with the batch the buffer file notes as transformed: the workflow does not run again', async () => {
    const bufferFile = join(dir, `${S0}.jsonl`);
    const ledgerBefore = await ledgerIn(S0);
    const { destination: refusing, calls: before } = refusingOnce(s3Destination(h.stack, S0), Infinity);
    const first = await openStream(S0, refusing, { bufferFile });
    await first.stream.put(new CloudWatchSubscription().wrap('/app/restart', 'web-1', ['six', 'seven']).records);
    await until(() => before.length === 1, 'the first delivery attempt');
    // what a kill after the transformation leaves in the file: the batch, transformed, not delivered
    await first.stream.stop(5_000);
    expect(first.results).toHaveLength(1);

    const { destination, calls: after } = refusingOnce(s3Destination(h.stack, S0), 0);
    const second = await openStream(S0, destination, { bufferFile });
    await second.stream.flushAll();
    await second.stream.stop(5_000);

    expect(second.results).toHaveLength(0);
    expect(after).toStrictEqual(before);
    expect(await lakeMessages(['six', 'seven'])).toStrictEqual(['seven', 'six']);
    expect((await ledgerIn(S0)) - ledgerBefore).toBe(2);
    expect(await h.keys('sluice-backup', `firehose-metadata/${S0}/`)).toContainEqual(expect.stringMatching(new RegExp(`-${after[0]!.id}\\.gz$`)));
    expect(readFileSync(bufferFile, 'utf8')).toBe('');
  });

  it('a stop whose grace runs out during the transformation: the servers go, the workflow fails; its records are not written off as processing-failed, and the restart transforms them', async () => {
    const bufferFile = join(dir, `${S0}-stopped.jsonl`);
    const ledgerBefore = await ledgerIn(S0);
    const started = await stoppedDuringTransformation(S0, s3Destination(h.stack, S0), bufferFile, new CloudWatchSubscription().wrap('/app/stopped', 'web-1', ['eleven', 'twelve']).records);
    expect(started).toBe(1);
    expect(readFileSync(bufferFile, 'utf8')).not.toContain('"transformed"');
    expect(await h.keys('sluice-backup', `processing-failed/${S0}/`)).toStrictEqual([]);

    const second = await openStream(S0, s3Destination(h.stack, S0), { bufferFile });
    await second.stream.flushAll();
    await second.stream.stop(5_000);
    expect(second.results.map((r) => r.status)).toStrictEqual(['SUCCEEDED']);
    expect(await lakeMessages(['eleven', 'twelve'])).toStrictEqual(['eleven', 'twelve']);
    expect((await ledgerIn(S0)) - ledgerBefore).toBe(2);
    expect(await h.keys('sluice-backup', `processing-failed/${S0}/`)).toStrictEqual([]);
  });

  it('S1: a batch left in hand with its execution\'s row STARTED past the Express limit goes on before the sweep, which then finds nothing to put back: New Relic gets each record once', async () => {
    const { newRelic, destination, restarted, putBack } = await leftInHandAnHourAgo('swept', 'in hand at the stop');
    try {
      const second = await openStream(S1, destination, { stack: restarted, bufferFile: join(dir, `${S1}-swept.jsonl`) });
      await second.stream.resume();
      await sweep(localRedriver(restarted));
      await second.stream.stop(5_000);
      expect(second.results.map((r) => r.status)).toStrictEqual(['SUCCEEDED']);
    } finally {
      await newRelic.stop();
    }
    expect(putBack).toStrictEqual([]);
    expect(newRelic.logs.filter((log) => log.message === 'in hand at the stop')).toHaveLength(1);
  });

  it('S1: the same when the interval began that flush before resume was called (another stream resumed first) and its execution is slow: resume waits for it (helper-24 saw the record put back)', async () => {
    const { newRelic, destination, restarted, putBack } = await leftInHandAnHourAgo('swept-late', 'in hand, resumed late');
    const slow: LocalStack = { ...restarted, run: async (...args) => (await sleep(1_500), restarted.run(...args)) };
    try {
      const second = await openStream(S1, destination, { stack: slow, bufferFile: join(dir, `${S1}-swept-late.jsonl`) });
      await sleep(400);
      await second.stream.resume();
      await sweep(localRedriver(slow));
      await second.stream.stop(5_000);
    } finally {
      await newRelic.stop();
    }
    expect(putBack).toStrictEqual([]);
    expect(newRelic.logs.filter((log) => log.message === 'in hand, resumed late')).toHaveLength(1);
  });

  it('S1: resume holds the start until the batch in hand is transformed, not while New Relic refuses its delivery (the retry duration, 300 s)', async () => {
    const { newRelic, restarted, putBack } = await leftInHandAnHourAgo('swept-refused', 'in hand, New Relic down');
    // a delivery that retries a refusing New Relic for its retry duration: it ends when the test lets it
    let giveUp = () => {};
    const refusing: Destination = { failedType: 'http-endpoint-failed', deliver: () => new Promise((_, reject) => (giveUp = () => reject(new Error('503 from New Relic, retry duration over')))) };
    const said: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
    try {
      const second = await openStream(S1, refusing, { stack: restarted, bufferFile: join(dir, `${S1}-swept-refused.jsonl`) });
      await second.stream.resume();
      expect(second.results.map((r) => r.status)).toStrictEqual(['SUCCEEDED']);
      await sweep(localRedriver(restarted));
      giveUp();
      await second.stream.stop(5_000);
    } finally {
      write.mockRestore();
      await newRelic.stop();
    }
    expect(putBack).toStrictEqual([]);
  });

  it("a kill before the transformation's answer was noted: the restart transforms the same cut again, the same batch to the workflow, counted once", async () => {
    const bufferFile = join(dir, `${S0}-torn.jsonl`);
    const ledgerBefore = await ledgerIn(S0);
    const subscription = new CloudWatchSubscription();
    const { destination: refusing, calls } = refusingOnce(s3Destination(h.stack, S0), Infinity);
    const first = await openStream(S0, refusing, { bufferFile });
    await first.stream.put(subscription.wrap('/app/torn', 'web-1', ['eight', 'nine']).records);
    await until(() => calls.length === 1, 'the first delivery attempt');
    await first.stream.stop(5_000);
    // the workflow ran, its answer never reached the file; records came after the cut
    writeFileSync(bufferFile, readFileSync(bufferFile, 'utf8').split('\n').filter((line) => !line.includes('"transformed"')).join('\n'));
    await first.stream.put(subscription.wrap('/app/torn', 'web-1', ['ten']).records);

    const second = await openStream(S0, s3Destination(h.stack, S0), { bufferFile });
    await second.stream.flushAll();
    await second.stream.stop(5_000);

    expect(second.results.map((r) => [r.account?.batchId, r.account?.counts.in])).toStrictEqual([[first.results[0]!.account!.batchId, 2], [expect.any(String), 1]]);
    expect(await lakeMessages(['eight', 'nine', 'ten'])).toStrictEqual(['eight', 'nine', 'ten']);
    expect((await ledgerIn(S0)) - ledgerBefore).toBe(3);
  });

  it('S1: a kill after New Relic took the batch and before that was noted: the restart delivers it again under the same requestId, and says so', async () => {
    const bufferFile = join(dir, `${S1}-taken.jsonl`);
    const newRelic = new NewRelicStandIn();
    await newRelic.start();
    const real = httpEndpointDestination(newRelic.firehoseUrl, 300);
    // New Relic answers 200, the stack dies before the buffer file notes it
    const killed: Destination = {
      failedType: real.failedType,
      async deliver(records, batch) {
        await real.deliver(records, batch);
        throw new Error('killed before the delivery was noted');
      },
    };
    const first = await openStream(S1, killed, { bufferFile });
    await first.stream.put([Buffer.from('{"message":"taken before the kill","level":"info"}')]);
    await until(() => newRelic.logs.length === 1, 'New Relic took the batch');
    await first.stream.stop(5_000);
    const batchId = (JSON.parse(readFileSync(bufferFile, 'utf8').split('\n').find((line) => line.includes('"through"'))!) as { batch: { id: string } }).batch.id;

    const said: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
    try {
      const second = await openStream(S1, real, { bufferFile });
      await second.stream.flushAll();
      await second.stream.stop(5_000);
      expect(second.results).toHaveLength(0);
    } finally {
      write.mockRestore();
      await newRelic.stop();
    }

    // Firehose's at least once: the endpoint holds the record twice, and the restart said which batch it sent again
    expect(newRelic.logs.filter((log) => log.message === 'taken before the kill')).toHaveLength(2);
    expect(said.join('')).toContain(`sluice: sluice-${S1}: batch ${batchId} was being delivered when the stack stopped; its 1 records are delivered again with the same id`);
  });
});

/**
 * A first start of S1 whose execution writes its row STARTED (an hour ago, as a sweep will see it) and dies with
 * the stop: its batch stays in hand in `firehose-<tag>` of the buffer files. Returns the stack of the next start,
 * whose puts back on the stream (a sweep's) are caught in `putBack`, and the New Relic stand-in to deliver to.
 */
async function leftInHandAnHourAgo(tag: string, message: string) {
  const newRelic = new NewRelicStandIn();
  await newRelic.start();
  const destination = httpEndpointDestination(newRelic.firehoseUrl, 300);
  const anHourAgo = { ...h.stack.ctx, now: () => Date.now() - 3_600_000 };
  await stoppedDuringTransformation(S1, destination, join(dir, `${S1}-${tag}.jsonl`), [Buffer.from(JSON.stringify({ message, level: 'info' }))], (workflow, pipeline, input) => tasks.decode({ pipeline, workflow, input }, anHourAgo));
  const putBack: Uint8Array[] = [];
  const restarted: LocalStack = { ...h.stack, ctx: { ...h.stack.ctx, reingest: async (_stream, records) => void putBack.push(...records) } };
  return { newRelic, destination, restarted, putBack };
}

/**
 * A stream whose workflow runs (`begin`, then nothing) until a stop whose grace (50 ms) runs out, then fails as it does
 * once the local servers are gone; resolves once the stream gave the flush up. Returns how many runs were started.
 */
async function stoppedDuringTransformation(pipeline: string, destination: Destination, bufferFile: string, records: Buffer[], begin?: (workflow: WorkflowName, pipeline: string, input: unknown) => Promise<unknown>) {
  let started = 0;
  let serversGone!: () => void;
  const gone = new Promise<void>((resolve) => (serversGone = resolve));
  const dying: LocalStack = {
    ...h.stack,
    run: async (workflow, name, input) => {
      started++;
      await begin?.(workflow, name, input);
      await gone;
      throw new Error('connect ECONNREFUSED 127.0.0.1');
    },
  };
  const said: string[] = [];
  const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (said.push(String(chunk)), true));
  try {
    const first = await openStream(pipeline, destination, { stack: dying, bufferFile });
    await first.stream.put(records);
    await until(() => started === 1, 'the transformation started');
    await first.stream.stop(50);
    serversGone();
    await until(() => said.some((line) => line.includes('stays buffered')), 'the flush gave up');
  } finally {
    write.mockRestore();
  }
  return started;
}
