import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { businessEvent, telemetry } from '../../local/samples.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const dir = mkdtempSync(join(tmpdir(), 'sluice-running-'));
const dataDir = join(dir, 'data');
const configFile = join(dir, 'config.json');
// Firehose buffers flush after 1 s instead of 60: the test waits for seconds, not minutes
const config = structuredClone(defaultConfig);
for (const pipeline of Object.values(config.pipelines)) if (pipeline.workflow === 'firehose') pipeline.buffering = { sizeMb: 1, intervalSeconds: 1 };
// the archive's Pipe with three batches in flight per shard: the kill below cuts batches that end out of order
config.pipelines['s3-events-to-archive']!.pipe = { batchSize: 25, parallelizationFactor: 3 };
writeFileSync(configFile, JSON.stringify(config));

type Endpoints = Record<'ingest' | 's3' | 'dynamodb' | 'kinesis' | 'opensearch' | 'newRelic', string>;

interface Running {
  child: ChildProcess;
  endpoints: Endpoints;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** `sluice start` as a user runs it: a child process on a free port, ready when it prints its JSON line. */
async function start(): Promise<Running> {
  const child = spawn(process.execPath, ['bin/sluice.mjs', 'start', '--data-dir', dataDir, '--port', '0', '--config', configFile, '--quiet']);
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk) => (err += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = await new Promise<{ endpoints: Endpoints }>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n')) resolve(JSON.parse(line) as { endpoints: Endpoints });
    });
    exited.then((code) => reject(new Error(`sluice start exited ${code}: ${err}`)));
  });
  return { child, endpoints: ready.endpoints, stderr: () => err, exited };
}

const post = async (url: string, body: string) => {
  const response = await fetch(url, { method: 'POST', body });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

type Status = { pipelines: { pipeline: string; records: Record<string, number>; balanced: boolean; batches: Record<string, number> }[]; load: { mainThread: number; serversThread: number; seconds: number } };
const status = async (r: Running) => (await (await fetch(`${r.endpoints.ingest}/status`)).json()) as Status;
const recordsOf = (s: Status, pipeline: string) => s.pipelines.find((p) => p.pipeline === pipeline)!.records as Record<'in' | 'delivered' | 'quarantined' | 'dropped' | 'backedUp', number>;

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(250);
  }
}

let running: Running | undefined;
afterAll(async () => {
  running?.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('npm start: the local stack, running', () => {
  it('takes events for the five systems through the ingest API, and every seed output can be read where the seed puts it', async () => {
    running = await start();
    const { ingest } = running.endpoints;
    const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => JSON.stringify({ ...businessEvent(from + i), event_id: `run-${from + i}` })).join('\n');

    const s3 = await post(`${ingest}/pipelines/s3-events-to-archive/records`, `${events(20)}\n{"event_type":"metric","timestamp":"2026-11-23T09:30:00Z"}`);
    expect(s3).toMatchObject({ status: 202, body: { accepted: 21 } });
    expect(s3.body.ids[0]).toMatch(/^shardId-\d+:\d+$/);
    expect((await post(`${ingest}/pipelines/s2-telemetry-to-lake/records`, JSON.stringify(Array.from({ length: 10 }, (_, i) => telemetry(i))))).status).toBe(202);
    expect((await post(`${ingest}/pipelines/s4-events-raw/records`, events(12, 100))).status).toBe(202);
    const logs = await post(`${ingest}/pipelines/s0-logs-to-opensearch/logs?group=/app/checkout&stream=web-1`, '{"msg":"one"}\n{"msg":"two"}\nthree\n');
    expect(logs).toMatchObject({ status: 202, body: { accepted: 3 } });
    expect((await post(`${ingest}/pipelines/s1-api-to-newrelic/records`, '{"message":"signed in","level":"info"}\n{"level":"warn"}')).status).toBe(202);

    // bad requests: a 4xx with a reason, never a 5xx
    expect(await post(`${ingest}/pipelines/nope/records`, '{}')).toMatchObject({ status: 404, body: { error: expect.stringContaining('no pipeline named "nope"') } });
    expect(await post(`${ingest}/pipelines/s3-events-to-archive/records`, '{"a":1}\n{')).toMatchObject({ status: 400, body: { error: expect.stringContaining('line 2') } });
    expect(await post(`${ingest}/pipelines/s0-logs-to-opensearch/logs`, 'x')).toMatchObject({ status: 400, body: { error: expect.stringContaining('?group=G&stream=S') } });
    expect((await post(`${ingest}/pipelines/s3-events-to-archive/records`, `{"big":"${'x'.repeat(11 * 1024 * 1024)}"}`)).status).toBe(413);
    // Kinesis would take it, but no Pipe could hand it to the workflow
    expect(await post(`${ingest}/pipelines/s3-events-to-archive/records`, `{"big":"${'x'.repeat(200_000)}"}`)).toMatchObject({ status: 413, body: { error: expect.stringContaining('262144 characters a Pipe hands to Step Functions') } });

    const settled = await until(
      () => status(running!),
      (s) =>
        recordsOf(s, 's3-events-to-archive').in === 21 &&
        recordsOf(s, 's2-telemetry-to-lake').in === 10 &&
        recordsOf(s, 's4-events-processed').in === 12 &&
        recordsOf(s, 's0-logs-to-opensearch').in >= 3 &&
        recordsOf(s, 's1-api-to-newrelic').in === 2,
      'every pipeline to account for its records',
    );
    expect(settled.pipelines.every((p) => p.balanced)).toBe(true);
    expect(recordsOf(settled, 's3-events-to-archive')).toMatchObject({ delivered: 20, quarantined: 1 });
    expect(recordsOf(settled, 's4-events-raw')).toMatchObject({ in: 12, delivered: 12 });
    // how busy its threads were: both worked, neither more than all the time
    expect(settled.load.seconds).toBeGreaterThan(0);
    for (const busy of [settled.load.mainThread, settled.load.serversThread]) {
      expect(busy).toBeGreaterThan(0);
      expect(busy).toBeLessThanOrEqual(1);
    }
    const statusCommand = spawnSync(process.execPath, ['bin/sluice.mjs', 'status', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(statusCommand.stdout).toMatch(/^threads busy over \d+ s: main \d+ %, servers \d+ %/m);

    // where the seeds put their output
    const s3Client = new S3Client({ endpoint: running.endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const keys = async (bucket: string, prefix: string) => ((await s3Client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!);
    expect((await keys('sluice-lake', 'telemetry/')).some((key) => /event_type=.*\/year=\d{4}\/month=\d\d\/day=\d\d\/hour=\d\d\/.*\.parquet$/.test(key) || /year=\d{4}/.test(key))).toBe(true);
    expect((await keys('sluice-lake', 'processed/')).length).toBeGreaterThan(0);
    expect((await keys('sluice-raw', 'events/')).length).toBeGreaterThan(0);
    const ddb = new DynamoDBClient({ endpoint: running.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    expect((await ddb.send(new ScanCommand({ TableName: 'sluice-events', Select: 'COUNT' }))).Count).toBe(20);
    const count = (await (await fetch(`${running.endpoints.opensearch}/cwl/_count`)).json()) as { count: number };
    expect(count.count).toBe(3);
    expect(await newRelicLogs(running.endpoints.newRelic)).toHaveLength(1);
    const alerts = (await (await fetch(`${ingest}/alerts`)).json()) as { alerts: { pipeline: string; records: { errors: string[] }[] }[] };
    expect(alerts.alerts.find((a) => a.pipeline === 's3-events-to-archive')?.records[0]?.errors.length).toBeGreaterThan(0);
    s3Client.destroy();
    ddb.destroy();

    // Ctrl-C / SIGTERM: exit 0, within 30 s
    const stopping = Date.now();
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(30_000);
  });

  it('a restart on the same data folder resumes: nothing read again, nothing lost', async () => {
    const before = await until(() => start(), () => true, 'start');
    running = before;
    const first = await status(running);
    await sleep(1500);
    expect((await status(running)).pipelines.map((p) => p.records)).toStrictEqual(first.pipelines.map((p) => p.records));
    expect((await post(`${running.endpoints.ingest}/pipelines/s3-events-to-archive/records`, JSON.stringify({ ...businessEvent(5), event_id: 'after-restart' }))).status).toBe(202);
    const after = await until(() => status(running!), (s) => recordsOf(s, 's3-events-to-archive').in === 22, 'the new record');
    expect(recordsOf(after, 's3-events-to-archive')).toMatchObject({ in: 22, delivered: 21, quarantined: 1 });
    // one stop sent twice at once (to the process group and to the process) is one stop, not "exit now"
    running.child.kill('SIGTERM');
    await sleep(300);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toContain('sluice: stopped');
    expect(running.stderr()).not.toContain('again');
    expect(existsSync(join(dataDir, 'sluice.pid'))).toBe(false);
  });
});

describe('npm start, killed', () => {
  it('a kill -9 while batches are in flight loses nothing and writes no record twice: the restart reads on from the checkpoint', async () => {
    running = await start();
    const before = recordsOf(await status(running), 's3-events-to-archive').in;
    const events = Array.from({ length: 400 }, (_, i) => JSON.stringify({ ...businessEvent(i), event_id: `kill-${i}` })).join('\n');
    expect((await post(`${running.endpoints.ingest}/pipelines/s3-events-to-archive/records`, events)).status).toBe(202);
    // some batches through, others in flight or not read yet
    await until(() => status(running!), (s) => recordsOf(s, 's3-events-to-archive').in > before, 'the first batch');
    running.child.kill('SIGKILL');
    await running.exited;
    running = await start();
    const after = await until(() => status(running!), (s) => recordsOf(s, 's3-events-to-archive').in >= before + 400, 'every record after the restart');
    expect(after.pipelines.every((p) => p.balanced)).toBe(true);
    // the lake, read from s3rver's files: every event once (a batch's ledger row is final just before account
    // commits its lake objects, so the last batch's rows may take a moment more)
    const lake = join(dataDir, 's3', 'sluice-lake', 'archive');
    const killedRows = () => {
      const files = (readdirSync(lake, { recursive: true }) as string[]).filter((name) => name.endsWith('._S3rver_object'));
      const rows = files.flatMap((name) => readFileSync(join(lake, name), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { event_id: string }));
      return rows.filter((row) => row.event_id.startsWith('kill-'));
    };
    const killed = await until(async () => killedRows(), (rows) => rows.length >= 400, 'every record in the lake');
    expect(new Set(killed.map((row) => row.event_id)).size).toBe(400);
    expect(killed).toHaveLength(400);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  });
});

/** The logs the New Relic stand-in received (through Firehose's HTTP endpoint delivery). */
async function newRelicLogs(url: string): Promise<unknown[]> {
  const body = (await (await fetch(`${url}/logs?limit=100`)).json()) as { logs: unknown[] };
  return body.logs;
}
