import { GetObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { businessEvent } from '../../local/samples.ts';
import { configWith } from './harness.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * `sluice start` killed (SIGKILL) at an exact point, through a preload (faults/kill-at.mjs) that kills the
 * process just before an AWS SDK call is sent (a Kinesis batch's account step: the Pipe re-reads the shard
 * from its checkpoint and cuts it its own way) or just after a Firehose destination answered (the delivery
 * stream goes on with the batch its buffer file notes); then started again on the same data folder.
 */
const dir = mkdtempSync(join(tmpdir(), 'sluice-crash-points-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  endpoints: Record<string, string>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function start(dataDir: string, env: Record<string, string> = {}, args: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, ['--import', './faults/kill-at.mjs', 'bin/sluice.mjs', 'start', '--data-dir', dataDir, '--port', '0', '--quiet', ...args], { env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) resolve({ child, endpoints: (JSON.parse(line) as { endpoints: Record<string, string> }).endpoints, stderr: () => err, exited });
    });
    void exited.then((e) => reject(new Error(`sluice start exited ${e.code ?? e.signal}: ${err}`)));
  });
}

/** S4 events to the ingest API, 24 every 200 ms, until `done` says so; returns how many were accepted. */
async function produceUntil(running: Running, done: () => boolean): Promise<{ accepted: number; unanswered: number }> {
  let accepted = 0;
  let unanswered = 0;
  for (let i = 0; !done(); i += 24) {
    const body = Array.from({ length: 24 }, (_, j) => JSON.stringify({ ...businessEvent(i + j), event_id: `cp-${i + j}` })).join('\n');
    const answer = await fetch(`${running.endpoints.ingest}/pipelines/s4-events-raw/records`, { method: 'POST', body }).catch(() => undefined);
    if (answer?.status === 202) accepted += ((await answer.json()) as { accepted: number }).accepted;
    else if (answer === undefined) unanswered += 24;
    await sleep(200);
  }
  return { accepted, unanswered };
}

type Records = Record<'in' | 'delivered' | 'quarantined' | 'dropped' | 'backedUp' | 'redelivered', number>;
async function raw(running: Running): Promise<Records> {
  const status = (await (await fetch(`${running.endpoints.ingest}/status`)).json()) as { pipelines: { pipeline: string; records: Records }[] };
  return status.pipelines.find((p) => p.pipeline === 's4-events-raw')!.records;
}

/** The record ids of every row in the raw lake (JSON Lines under sluice-raw/events/). */
async function rawLakeIds(running: Running): Promise<string[]> {
  const s3 = new S3Client({ endpoint: running.endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const ids: string[] = [];
  const listed = await s3.send(new ListObjectsCommand({ Bucket: 'sluice-raw', Prefix: 'events/' }));
  for (const object of listed.Contents ?? []) {
    const text = await (await s3.send(new GetObjectCommand({ Bucket: 'sluice-raw', Key: object.Key! }))).Body!.transformToString();
    for (const line of text.split('\n')) if (line.trim()) ids.push(String((JSON.parse(line) as { record_id: string }).record_id));
  }
  s3.destroy();
  return ids;
}

describe('sluice start killed at a point of the account step, then started again', () => {
  // the account step claims a Kinesis batch's records, then copies its lake objects in, under its shard's lock
  // (tasks/account/shard-lock.ts): killed before its claim, the batch left nothing, and the re-read delivers;
  // killed after it, the re-read drops the records, and the batch that takes the lock next (once the dead
  // holder's lease has passed) finishes the copies
  it.each([
    ['before a batch claimed its records', 'claim:s4-events-raw'],
    ['after a batch claimed its records, before its first lake object is copied in', 'copy:sluice-raw'],
  ])('a kill %s: the re-read, cut another way, leaves each record once in the lake', { timeout: 240_000 }, async (_when, killAt) => {
    const dataDir = join(dir, killAt.replace(/\W/g, '-'));
    const first = await start(dataDir, { SLUICE_KILL_AT: killAt });
    let killed = false;
    void first.exited.then(() => (killed = true));
    const { accepted: before, unanswered } = await produceUntil(first, () => killed);
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' });
    expect(first.stderr()).toContain(`kill-at: SIGKILL before ${killAt.replace(':', ' ')}`);

    const second = await start(dataDir);
    try {
      // every accepted event through the raw stage (the Pipe re-reads from its checkpoint, cut its own way)
      // (the dead holder's lock is taken over once its lease, 20 s, has passed)
      const end = Date.now() + 180_000;
      let ids = await rawLakeIds(second);
      while (new Set(ids).size < before && Date.now() < end) {
        await sleep(1000);
        ids = await rawLakeIds(second);
      }
      await sleep(6000);
      ids = await rawLakeIds(second);
      const records = await raw(second);
      console.log(JSON.stringify({ before, unanswered, lakeRows: ids.length, unique: new Set(ids).size, records }));
      // each record once in the lake (the request the kill cut short may have put its events); the ledger counts
      // no more than the lake holds (the killed batch's row stays STARTED until the sweep runs it again)
      expect(ids.length - new Set(ids).size).toBe(0);
      expect(new Set(ids).size).toBeGreaterThanOrEqual(before);
      expect(new Set(ids).size).toBeLessThanOrEqual(before + unanswered);
      expect(records.delivered).toBeLessThanOrEqual(ids.length);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});

/** Until `done` holds, every second, for `ms` at most. */
async function poll(done: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done()) && Date.now() < end) await sleep(1000);
}

/** A pipeline's records on the ingest API, a request every 200 ms, until `done` says so: the ids answered, and how many got no answer. */
async function feedUntil(running: Running, path: string, body: (i: number) => string, done: () => boolean): Promise<{ ids: string[]; unanswered: number }> {
  const ids: string[] = [];
  let unanswered = 0;
  for (let i = 0; !done(); i++) {
    const answer = await fetch(`${running.endpoints.ingest}${path}`, { method: 'POST', body: body(i) }).catch(() => undefined);
    if (answer?.status === 202) ids.push(...((await answer.json()) as { ids: string[] }).ids);
    else if (answer === undefined) unanswered++;
    await sleep(200);
  }
  return { ids, unanswered };
}

/** Whether a pipeline's delivery stream is empty and none of its batches is in flight. */
async function drained(running: Running, pipeline: string): Promise<boolean> {
  const status = (await (await fetch(`${running.endpoints.ingest}/status`)).json()) as { pipelines: { pipeline: string; batches: Record<string, number> }[]; live: { pipeline: string; lagSeconds: number }[] };
  return status.live.find((l) => l.pipeline === pipeline)!.lagSeconds === 0 && !status.pipelines.find((p) => p.pipeline === pipeline)!.batches.STARTED;
}

describe('sluice start killed just after a Firehose destination took a batch, before the buffer file noted it, then started again', () => {
  // the delivery streams buffer for a second, not AWS's default minute, so that batches come while the test feeds
  const configFile = join(dir, 'firehose-config.json');
  const buffering = { sizeMb: 1, intervalSeconds: 1 };
  writeFileSync(configFile, JSON.stringify(configWith((config) => {
    for (const pipeline of ['s0-logs-to-opensearch', 's1-api-to-newrelic']) config.pipelines[pipeline]!.buffering = buffering;
  })));
  const startFirehose = (dataDir: string, env: Record<string, string> = {}) => start(dataDir, env, ['--config', configFile]);

  it('S1: New Relic holds that batch twice, sent again under its requestId, as the restart says; every other record once', { timeout: 240_000 }, async () => {
    const dataDir = join(dir, 'firehose-after-post');
    const first = await startFirehose(dataDir, { SLUICE_KILL_AT: 'after-post:/firehose/v1' });
    let killed = false;
    void first.exited.then(() => (killed = true));
    const body = (i: number) => Array.from({ length: 10 }, (_, j) => JSON.stringify({ message: `request ${i * 10 + j} served`, level: 'info' })).join('\n');
    const { ids, unanswered } = await feedUntil(first, '/pipelines/s1-api-to-newrelic/records', body, () => killed);
    expect(first.stderr()).toContain('kill-at: SIGKILL after post /firehose/v1');

    const second = await startFirehose(dataDir);
    try {
      await poll(() => drained(second, 's1-api-to-newrelic'), 120_000);
      const { logs } = (await (await fetch(`${second.endpoints.newRelic}/logs?limit=100000`)).json()) as { logs: { record_id: string }[] };
      const times = new Map<string, number>();
      for (const log of logs) times.set(log.record_id, (times.get(log.record_id) ?? 0) + 1);
      const twice = [...times.values()].filter((n) => n === 2).length;
      const again = /batch \S+ was being delivered when the stack stopped; its (\d+) records are delivered again with the same id/.exec(second.stderr());
      expect(again).not.toBeNull();
      expect(twice).toBe(Number(again![1]));
      expect([...times.values()].every((n) => n <= 2)).toBe(true);
      expect(times.size).toBeGreaterThanOrEqual(ids.length);
      expect(times.size).toBeLessThanOrEqual(ids.length + unanswered * 10);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('S0: the metadata object is put again under its name, each metadata record and OpenSearch document once', { timeout: 240_000 }, async () => {
    const dataDir = join(dir, 'firehose-after-put');
    const first = await startFirehose(dataDir, { SLUICE_KILL_AT: 'after-put:firehose-metadata/' });
    let killed = false;
    void first.exited.then(() => (killed = true));
    const body = (i: number) => Array.from({ length: 10 }, (_, j) => `GET /cart/${i * 10 + j} 200`).join('\n');
    const { ids, unanswered } = await feedUntil(first, '/pipelines/s0-logs-to-opensearch/logs?group=/app/checkout&stream=web-1', body, () => killed);
    expect(first.stderr()).toContain('kill-at: SIGKILL after put firehose-metadata/');

    const second = await startFirehose(dataDir);
    try {
      await poll(() => drained(second, 's0-logs-to-opensearch'), 120_000);
      const s3 = new S3Client({ endpoint: second.endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
      const listed = await s3.send(new ListObjectsCommand({ Bucket: 'sluice-backup', Prefix: 'firehose-metadata/s0-logs-to-opensearch/' }));
      const recordIds: string[] = [];
      for (const object of listed.Contents ?? []) {
        const bytes = await (await s3.send(new GetObjectCommand({ Bucket: 'sluice-backup', Key: object.Key! }))).Body!.transformToByteArray();
        for (const line of gunzipSync(bytes).toString().split('\n')) if (line) recordIds.push((JSON.parse(line) as { recordId: string }).recordId);
      }
      s3.destroy();
      const { count } = (await (await fetch(`${second.endpoints.opensearch}/cwl/_count`)).json()) as { count: number };
      expect(second.stderr()).toContain('was being delivered when the stack stopped');
      expect(recordIds.length).toBe(new Set(recordIds).size);
      expect(count).toBeGreaterThanOrEqual(ids.length);
      expect(count).toBeLessThanOrEqual(ids.length + unanswered * 10);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });
});
