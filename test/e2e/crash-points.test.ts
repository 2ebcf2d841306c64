import { GetObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { businessEvent } from '../../local/samples.ts';

/**
 * `sluice start` killed (SIGKILL) at an exact point of a Kinesis batch's account step, through a preload
 * (faults/kill-at.mjs) that kills the process just before an AWS SDK call is sent; then started again on
 * the same data folder. The Pipe re-reads the shard from its checkpoint and cuts it its own way.
 */
const dir = mkdtempSync(join(tmpdir(), 'sluice-crash-points-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  endpoints: Record<string, string>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function start(dataDir: string, env: Record<string, string> = {}): Promise<Running> {
  const child = spawn(process.execPath, ['--import', './faults/kill-at.mjs', 'bin/sluice.mjs', 'start', '--data-dir', dataDir, '--port', '0', '--quiet'], { env: { ...process.env, ...env } });
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
