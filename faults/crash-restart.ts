/**
 * Crash-restart fuzz of the running stack (`sluice start`), as a user runs it: a child process on a fresh
 * data folder takes events for S4 (`s4-events-raw` -> raw lake -> `s4-events-processed`), S2 (telemetry,
 * Parquet) and S3 (archive), some malformed, through the ingest API; it is killed with SIGKILL at random
 * moments (some rounds: SIGTERM, then SIGKILL during the graceful stop), started again on the same folder,
 * fed more; at the end stopped with SIGTERM and started once more until the ledger shows nothing in flight.
 * Then: every accepted event is accounted once in the ledger, no record id is twice in a lake, and none is
 * missing from the lake or the quarantine.
 *
 *   npx tsx faults/crash-restart.ts [--rounds N] [--rate R] [--seed S] [--keep] [--data-dir DIR]
 *
 * Last line: `crash-restart: rounds=N accepted=… in=… lakeRows=… duplicates=… missing=…`; exit 1 on a loss or a duplicate.
 */
import { GetObjectCommand, ListObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { hash } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { defaultConfig } from '../config/default.ts';
import { kindOf, producedEvent } from '../local/produced-events.ts';
import { streamOf } from '../local/servers.ts';
import { CRASH_OPTIONS, crashSettings, startSluice, stopAbruptly, type SluiceProcess } from './sluice-process.ts';

const { values: args } = parseArgs({
  options: {
    ...CRASH_OPTIONS,
    rate: { type: 'string', default: '400' },
    'drain-minutes': { type: 'string', default: '9' },
  },
});
const { rounds: ROUNDS, rate: RATE, malformed: MALFORMED, schedule, random, between } = crashSettings(args);

/** The kinesis pipelines fed, with their share of the rate, and where their lake rows are. */
const FED = [
  { pipeline: 's4-events-raw', share: 0.6, bucket: 'sluice-raw', prefix: 'events/' },
  { pipeline: 's2-telemetry-to-lake', share: 0.2, bucket: 'sluice-lake', prefix: 'telemetry/' },
  { pipeline: 's3-events-to-archive', share: 0.2, bucket: 'sluice-lake', prefix: 'archive/' },
] as const;
type Fed = (typeof FED)[number]['pipeline'];

const work = args['data-dir'] ? args['data-dir'] : mkdtempSync(join(tmpdir(), 'sluice-crash-'));
const dataDir = join(work, 'data');
const configFile = join(work, 'config.json');
writeFileSync(configFile, JSON.stringify(defaultConfig));
const log = createWriteStream(join(work, 'stack.log'), { flags: 'a' });
const say = (line: string) => {
  process.stderr.write(`${line}\n`);
  log.write(`[fuzz ${new Date().toISOString()}] ${line}\n`);
};
say(`crash-restart: seed=${args.seed} rounds=${ROUNDS} rate=${RATE}/s malformed=${MALFORMED}% in ${work}`);

type Running = SluiceProcess;

let starts = 0;
const start = (): Promise<Running> => startSluice({ dataDir, configFile, log, logFile: join(work, 'stack.log'), n: ++starts });

/** What the ingest API answered, per pipeline. */
const accepted = new Map<Fed, Set<string>>(FED.map((f) => [f.pipeline, new Set()]));
/** Events whose request got no answer (a kill while it was in flight): on the stream or not. */
const uncertain = new Map<Fed, number>(FED.map((f) => [f.pipeline, 0]));
const refused = new Map<Fed, number>(FED.map((f) => [f.pipeline, 0]));
/** The event_id of each accepted event (by pipeline/ingest id: two streams' ids may be alike), and which events were sent malformed. */
const eventIdOf = new Map<string, string>();
const malformedIds = new Set<string>();
/** event_ids sent in requests that got no answer. */
const uncertainEventIds = new Set<string>();
let counter = 0;

/** Feeds one pipeline at its share of the rate until `stop()` says so; resolves when its requests have ended. */
async function produce(ingest: string, fed: (typeof FED)[number], stopped: () => boolean): Promise<void> {
  const kind = kindOf(defaultConfig.pipelines[fed.pipeline]!);
  const rate = RATE * fed.share;
  const batch = Math.max(1, Math.min(100, Math.round(rate / 5)));
  const inFlight = new Set<Promise<void>>();
  const began = Date.now();
  let sent = 0;
  while (!stopped()) {
    const due = began + (sent / rate) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    if (stopped()) break;
    const events = Array.from({ length: batch }, () => {
      const i = counter++;
      const bad = random() * 100 < MALFORMED;
      const event = producedEvent(kind, i, bad) as Record<string, unknown>;
      event.event_id = `cr-${i}`;
      return { event, bad, eventId: `cr-${i}` };
    });
    sent += batch;
    const request = fetch(`${ingest}/pipelines/${fed.pipeline}/records`, { method: 'POST', body: events.map((e) => JSON.stringify(e.event)).join('\n') })
      .then(async (response) => {
        const body = (await response.json()) as { ids?: string[]; failed?: { index: number }[] };
        if (response.status === 202 || response.status === 207) {
          const failed = new Set((body.failed ?? []).map((f) => f.index));
          const put = events.filter((_, index) => !failed.has(index));
          if (put.length !== body.ids!.length) throw new Error(`ids ${body.ids!.length} for ${put.length} put`);
          body.ids!.forEach((id, j) => {
            accepted.get(fed.pipeline)!.add(id);
            eventIdOf.set(`${fed.pipeline}/${id}`, put[j]!.eventId);
            if (put[j]!.bad) malformedIds.add(`${fed.pipeline}/${id}`);
          });
          refused.set(fed.pipeline, refused.get(fed.pipeline)! + failed.size);
        } else {
          refused.set(fed.pipeline, refused.get(fed.pipeline)! + events.length);
        }
      })
      .catch(() => {
        uncertain.set(fed.pipeline, uncertain.get(fed.pipeline)! + events.length);
        for (const e of events) uncertainEventIds.add(e.eventId);
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

async function produceFor(running: Running, ms: number, killAt?: { afterMs: number; kill: () => Promise<void> }): Promise<void> {
  let stop = false;
  const feeding = FED.map((fed) => produce(running.endpoints.ingest!, fed, () => stop));
  if (killAt) {
    await sleep(killAt.afterMs);
    const k = killAt.kill();
    // the kill may come before the producing would have stopped: the requests in flight then get no answer
    stop = true;
    await k;
  } else {
    await sleep(ms);
    stop = true;
  }
  await Promise.all(feeding);
}

type Status = { pipelines: { pipeline: string; records: Record<string, number>; balanced: boolean; batches: Record<string, number> }[]; live?: { pipeline: string; lagSeconds: number }[] };
const statusOf = async (running: Running): Promise<Status> => (await (await fetch(`${running.endpoints.ingest}/status`)).json()) as Status;
const totalAccepted = () => [...accepted.values()].reduce((n, s) => n + s.size, 0);

// ---- the rounds ----
const roundsSaid: string[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const running = await start();
  const produceMs = between(2000, 9000);
  const graceful = schedule() < 0.3;
  // sometimes while producing, sometimes after (executions still in flight, raw objects waiting for their s3 run)
  const killAfter = between(500, produceMs + 6000);
  const before = totalAccepted();
  let how = '';
  await produceFor(running, produceMs, {
    afterMs: Math.min(killAfter, produceMs),
    kill: async () => {
      if (killAfter > produceMs) await sleep(killAfter - produceMs);
      how = await stopAbruptly(running, graceful, () => between(0, 2500));
    },
  });
  const line = `round ${round}: produce ${(produceMs / 1000).toFixed(1)} s, ${how} at ${(killAfter / 1000).toFixed(1)} s; accepted ${totalAccepted() - before} (total ${totalAccepted()}), uncertain total ${[...uncertain.values()].reduce((a, b) => a + b, 0)}`;
  roundsSaid.push(line);
  say(line);
}

// ---- a graceful stop, then a start that drains ----
{
  const running = await start();
  await produceFor(running, 3000);
  running.child.kill('SIGTERM');
  const { code, signal } = await running.exited;
  say(`graceful stop: exit ${code ?? signal}`);
  if (code !== 0) say(`WARNING: the graceful stop exited ${code ?? signal}`);
}
const final = await start();
const drainUntil = Date.now() + Number(args['drain-minutes']) * 60_000;
let status: Status;
for (;;) {
  status = await statusOf(final);
  const started = status.pipelines.reduce((n, p) => n + (p.batches.STARTED ?? 0), 0);
  const lag = Math.max(0, ...(status.live ?? []).map((l) => l.lagSeconds));
  const raw = status.pipelines.find((p) => p.pipeline === 's4-events-raw')!.records;
  const processed = status.pipelines.find((p) => p.pipeline === 's4-events-processed')!.records;
  const idle = started === 0 && lag === 0;
  if (idle && processed.in! >= raw.delivered!) break;
  if (Date.now() > drainUntil) {
    say(`drain: gave up after ${args['drain-minutes']} min: STARTED ${started}, lag ${lag}, raw delivered ${raw.delivered}, processed in ${processed.in}`);
    break;
  }
  say(`drain: STARTED ${started}, lag ${lag.toFixed(1)} s, raw delivered ${raw.delivered}, processed in ${processed.in}`);
  await sleep(10_000);
}
await sleep(3000);
status = await statusOf(final);

// for a look afterwards: what was accepted, per pipeline, with its event_id and whether it was sent malformed
writeFileSync(join(work, 'accepted.json'), JSON.stringify(Object.fromEntries(FED.map((f) => [f.pipeline, [...accepted.get(f.pipeline)!].map((id) => [id, eventIdOf.get(`${f.pipeline}/${id}`), malformedIds.has(`${f.pipeline}/${id}`)])]))));

// ---- the lake, the quarantine ----
const s3 = new S3Client({ endpoint: final.endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
async function keys(bucket: string, prefix: string): Promise<string[]> {
  const all: string[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker }));
    const got = (page.Contents ?? []).map((c) => c.Key!);
    all.push(...got);
    if (!page.IsTruncated || got.length === 0) break;
    marker = got.at(-1);
  }
  return all;
}
async function bytesOf(bucket: string, key: string): Promise<Uint8Array> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await object.Body!.transformToByteArray();
  return key.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}
async function rows(bucket: string, prefix: string): Promise<{ key: string; row: Record<string, unknown> }[]> {
  const out: { key: string; row: Record<string, unknown> }[] = [];
  for (const key of await keys(bucket, prefix)) {
    const bytes = await bytesOf(bucket, key);
    if (key.endsWith('.parquet')) {
      const { parquetReadObjects } = await import('hyparquet');
      for (const row of await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) out.push({ key, row });
    } else {
      for (const line of Buffer.from(bytes).toString().split('\n')) if (line.trim()) out.push({ key, row: JSON.parse(line) });
    }
  }
  return out;
}
const ridOf = (pipeline: string, ingestId: string) => {
  const [shard, sequence] = ingestId.split(':');
  return hash('sha256', `kinesis/${streamOf(pipeline)}/${shard}/${sequence}`, 'hex');
};
const count = <T>(items: T[]) => {
  const m = new Map<T, number>();
  for (const item of items) m.set(item, (m.get(item) ?? 0) + 1);
  return m;
};

const quarantine = await rows('sluice-backup', 'errors/');
const quarantinedIds = count(quarantine.map((q) => String(q.row.recordId)));
const problems: string[] = [];
let lakeRowsTotal = 0;
let duplicatesTotal = 0;
let missingTotal = 0;
let inTotal = 0;
let acceptedTotal = 0;
const report: string[] = [];
let rawEventIds: string[] = [];
for (const fed of FED) {
  const lake = await rows(fed.bucket, fed.prefix);
  const byRid = count(lake.map((r) => String(r.row.record_id)));
  const dups = [...byRid.entries()].filter(([, n]) => n > 1);
  const duplicates = dups.reduce((n, [, c]) => n + c - 1, 0);
  const ids = [...accepted.get(fed.pipeline)!];
  const wanted = new Map(ids.map((id) => [ridOf(fed.pipeline, id), id]));
  const missing = [...wanted.entries()].filter(([rid]) => !byRid.has(rid) && !quarantinedIds.has(rid));
  const malformedInLake = [...wanted.entries()].filter(([rid, id]) => malformedIds.has(`${fed.pipeline}/${id}`) && byRid.has(rid)).length;
  const extra = [...byRid.keys()].filter((rid) => !wanted.has(rid));
  const quarantinedHere = [...wanted.keys()].filter((rid) => quarantinedIds.has(rid)).length;
  const ledger = status.pipelines.find((p) => p.pipeline === fed.pipeline)!;
  const r = ledger.records as Record<'in' | 'delivered' | 'quarantined' | 'dropped' | 'backedUp' | 'redelivered', number>;
  const inNet = r.in - r.redelivered;
  lakeRowsTotal += lake.length;
  duplicatesTotal += duplicates;
  missingTotal += missing.length;
  inTotal += r.in;
  acceptedTotal += ids.length;
  report.push(
    `${fed.pipeline}: accepted=${ids.length} uncertain=${uncertain.get(fed.pipeline)} refused=${refused.get(fed.pipeline)} | ledger in=${r.in} delivered=${r.delivered} quarantined=${r.quarantined} dropped=${r.dropped} (redelivered ${r.redelivered}) backedUp=${r.backedUp} balanced=${ledger.balanced} batches=${JSON.stringify(ledger.batches)} | lake rows=${lake.length} unique=${byRid.size} duplicates=${duplicates} extra(from unanswered requests)=${extra.length} | quarantine ${quarantinedHere} | missing=${missing.length} malformedInLake=${malformedInLake}`,
  );
  if (!ledger.balanced) problems.push(`${fed.pipeline}: the ledger does not balance`);
  if (duplicates > 0) problems.push(`${fed.pipeline}: ${duplicates} duplicate lake rows, e.g. ${dups.slice(0, 3).map(([rid, n]) => `${rid} x${n} in ${lake.filter((l) => l.row.record_id === rid).map((l) => l.key).join(', ')}`).join('; ')}`);
  if (missing.length > 0) problems.push(`${fed.pipeline}: ${missing.length} accepted records missing, e.g. ${missing.slice(0, 5).map(([, id]) => id).join(', ')}`);
  if (extra.length > uncertain.get(fed.pipeline)!) problems.push(`${fed.pipeline}: ${extra.length} lake records nobody was told about (more than the ${uncertain.get(fed.pipeline)} unanswered)`);
  // the ledger: what came in, less what a re-read dropped, is what was put (accepted, and the unanswered that landed)
  if (inNet < ids.length) problems.push(`${fed.pipeline}: ledger in - redelivered = ${inNet} < accepted ${ids.length}`);
  if (inNet > ids.length + uncertain.get(fed.pipeline)!) problems.push(`${fed.pipeline}: ledger in - redelivered = ${inNet} > accepted ${ids.length} + unanswered ${uncertain.get(fed.pipeline)} (counted twice?)`);
  if (r.delivered !== byRid.size) problems.push(`${fed.pipeline}: ledger delivered ${r.delivered} != unique lake rows ${byRid.size}`);
  if (r.dropped !== r.redelivered) problems.push(`${fed.pipeline}: ${r.dropped - r.redelivered} dropped for another reason than redelivered`);
  if (fed.pipeline === 's4-events-raw') rawEventIds = lake.map((l) => String(l.row.event_id));
}

// S4's second stage: every raw lake row once in the processed lake
{
  const processed = await rows('sluice-lake', 'processed/');
  const byRid = count(processed.map((r) => String(r.row.record_id)));
  const byEvent = count(processed.map((r) => String(r.row.event_id)));
  const duplicates = [...byRid.values()].reduce((n, c) => n + c - 1, 0);
  const eventDuplicates = [...byEvent.entries()].filter(([, c]) => c > 1);
  const missing = rawEventIds.filter((e) => !byEvent.has(e));
  const ledger = status.pipelines.find((p) => p.pipeline === 's4-events-processed')!;
  const r = ledger.records;
  lakeRowsTotal += processed.length;
  duplicatesTotal += duplicates + eventDuplicates.reduce((n, [, c]) => n + c - 1, 0);
  missingTotal += missing.length;
  inTotal += r.in!;
  report.push(
    `s4-events-processed: ledger in=${r.in} delivered=${r.delivered} quarantined=${r.quarantined} dropped=${r.dropped} backedUp=${r.backedUp} balanced=${ledger.balanced} batches=${JSON.stringify(ledger.batches)} | lake rows=${processed.length} duplicate record_ids=${duplicates} duplicate event_ids=${eventDuplicates.length} | raw rows missing here=${missing.length}`,
  );
  if (!ledger.balanced) problems.push('s4-events-processed: the ledger does not balance');
  if (duplicates > 0 || eventDuplicates.length > 0) problems.push(`s4-events-processed: duplicates: ${duplicates} by record_id, ${eventDuplicates.length} event_ids more than once, e.g. ${eventDuplicates.slice(0, 3).map(([e, c]) => `${e} x${c} in ${processed.filter((p) => p.row.event_id === e).map((p) => p.key).join(', ')}`).join('; ')}`);
  if (missing.length > 0) problems.push(`s4-events-processed: ${missing.length} raw rows not processed, e.g. ${missing.slice(0, 5).join(', ')}`);
  if (r.in !== rawEventIds.length) problems.push(`s4-events-processed: ledger in ${r.in} != raw lake rows ${rawEventIds.length}`);
  // every accepted, well-formed S4 event is in the processed lake (by its event_id)
  const wantedEvents = [...accepted.get('s4-events-raw')!].filter((id) => !malformedIds.has(`s4-events-raw/${id}`)).map((id) => eventIdOf.get(`s4-events-raw/${id}`)!);
  const notProcessed = wantedEvents.filter((e) => !byEvent.has(e));
  if (notProcessed.length > 0) problems.push(`s4: ${notProcessed.length} accepted well-formed events not in the processed lake, e.g. ${notProcessed.slice(0, 5).join(', ')}`);
}
const deadLetters = existsSync(join(dataDir, 'dead-letters')) ? readdirSync(join(dataDir, 'dead-letters')) : [];
if (deadLetters.length > 0) problems.push(`dead letters: ${deadLetters.map((f) => `${f}: ${readFileSync(join(dataDir, 'dead-letters', f), 'utf8').split('\n').filter(Boolean).length}`).join(', ')}`);

final.child.kill('SIGTERM');
const ended = await final.exited;
for (const line of report) say(line);
for (const p of problems) say(`PROBLEM: ${p}`);
const uncertainTotal = [...uncertain.values()].reduce((a, b) => a + b, 0);
console.log(`crash-restart: seed=${args.seed} rounds=${ROUNDS} accepted=${acceptedTotal} unanswered=${uncertainTotal} in=${inTotal} lakeRows=${lakeRowsTotal} duplicates=${duplicatesTotal} missing=${missingTotal} problems=${problems.length} finalExit=${ended.code ?? ended.signal}`);
log.end();
if (!args.keep && problems.length === 0 && !args['data-dir']) rmSync(work, { recursive: true, force: true });
else say(`kept ${work}`);
process.exit(problems.length === 0 ? 0 : 1);
