/**
 * Crash-restart fuzz of the running stack's Firehose pipelines, the sibling of crash-restart.ts (which
 * fuzzes the Kinesis ones): a `sluice start` child on a fresh data folder takes log lines for S0
 * (`s0-logs-to-opensearch`, a CloudWatch Logs subscription) and API logs for S1 (`s1-api-to-newrelic`),
 * S1's some malformed (`--malformed` %); it is killed with SIGKILL at random moments (some rounds:
 * SIGTERM, then SIGKILL during the graceful stop), started again on the same folder, fed more; at the end
 * stopped with SIGTERM and started once more until both delivery streams are empty and the ledger shows
 * nothing in flight.
 * The delivery streams buffer for `--interval` seconds (1; AWS's default is 60), so that kills land
 * among flushes rather than between them.
 *
 * Then, for every accepted record (2xx to the producer): S1's is in the New Relic stand-in (by its
 * `record_id`), in sluice's quarantine (`errors/`) or in Firehose's backup (`processing-failed/`); S0's
 * log event is an OpenSearch document (by its deterministic `_id`), quarantined or in the backup. What
 * was delivered twice is counted: New Relic logs with the same `record_id`, S0 lake rows with the same
 * event id, Firehose metadata records (S0's S3 destination) with the same recordId. The one duplicate
 * allowed is Firehose's own: a batch a kill left transformed and not noted delivered is delivered again
 * by the restart with the same requestId, so New Relic may hold its records twice; they are counted apart.
 *
 *   npx tsx faults/firehose-crash-restart.ts [--rounds N] [--rate R] [--seed S] [--interval S] [--keep] [--data-dir DIR]
 *
 * Last line: `firehose-crash-restart: seed=… rounds=… accepted=… unanswered=… problems=… finalExit=…`; exit 1 on a
 * loss or a duplicate (the lines before say which).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { defaultConfig } from '../config/default.ts';
import type { SluiceConfig } from '../contracts/config.ts';
import { recordId } from '../tasks/shared/ids.ts';
import { listKeys, readLines } from './list-keys.ts';
import { CRASH_OPTIONS, crashSettings, startSluice, stopAbruptly, type SluiceProcess } from './sluice-process.ts';

const { values: args } = parseArgs({
  options: {
    ...CRASH_OPTIONS,
    rate: { type: 'string', default: '300' },
    interval: { type: 'string', default: '1' },
    'drain-minutes': { type: 'string', default: '6' },
  },
});
const { rounds: ROUNDS, rate: RATE, malformed: MALFORMED, schedule, random, between } = crashSettings(args);

const S0 = 's0-logs-to-opensearch';
const S1 = 's1-api-to-newrelic';
const buffering = { sizeMb: 1, intervalSeconds: Number(args.interval) };
const config: SluiceConfig = {
  ...defaultConfig,
  pipelines: { ...defaultConfig.pipelines, [S0]: { ...defaultConfig.pipelines[S0]!, buffering }, [S1]: { ...defaultConfig.pipelines[S1]!, buffering } },
};

const work = args['data-dir'] ?? mkdtempSync(join(tmpdir(), 'sluice-firehose-crash-'));
const dataDir = join(work, 'data');
const configFile = join(work, 'config.json');
writeFileSync(configFile, JSON.stringify(config));
const logFile = join(work, 'stack.log');
const log = createWriteStream(logFile, { flags: 'a' });
const say = (line: string) => {
  process.stderr.write(`${line}\n`);
  log.write(`[fuzz ${new Date().toISOString()}] ${line}\n`);
};
say(`firehose-crash-restart: seed=${args.seed} rounds=${ROUNDS} rate=${RATE}/s malformed=${MALFORMED}% interval=${args.interval} s in ${work}`);

let starts = 0;
const start = () => startSluice({ dataDir, configFile, log, logFile, n: ++starts });

/** S0: the accepted log events' ids (CloudWatch's, as the ingest API answers them). */
const acceptedEvents = new Set<string>();
/** S1: the accepted RecordIds, each with the text put and whether it was sent malformed. */
const acceptedRecords = new Map<string, { text: string; bad: boolean }>();
/** Lines and events whose request got no answer (a kill while it was in flight): put or not. */
const unanswered = { [S0]: 0, [S1]: 0 };
let counter = 0;

/**
 * One request's body for a pipeline: S0 plain log lines (any line is a log event: none is malformed), S1
 * NDJSON API logs, some without their message; each names its own `fh-<i>`.
 */
function requestOf(pipeline: string, size: number): { url: string; items: { text: string; bad: boolean }[] } {
  const items = Array.from({ length: size }, () => {
    const i = counter++;
    if (pipeline === S0) return { text: `fh-${i} ${JSON.stringify({ level: 'info', msg: `order ${i} placed` })}`, bad: false };
    const bad = random() * 100 < MALFORMED;
    const event = bad ? { level: 'warn', service: `billing fh-${i}` } : { message: `request fh-${i} served`, level: 'info', service: 'api', timestamp: new Date().toISOString() };
    return { text: JSON.stringify(event), bad };
  });
  return { url: pipeline === S0 ? `/pipelines/${S0}/logs?group=/fuzz/checkout&stream=web-${size % 3}` : `/pipelines/${S1}/records`, items };
}

/** Feeds one pipeline at half the rate until `stopped()`; resolves when its requests have ended. */
async function produce(ingest: string, pipeline: typeof S0 | typeof S1, stopped: () => boolean): Promise<void> {
  const rate = RATE / 2;
  const inFlight = new Set<Promise<void>>();
  const began = Date.now();
  let sent = 0;
  while (!stopped()) {
    const due = began + (sent / rate) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    if (stopped()) break;
    const { url, items } = requestOf(pipeline, 1 + Math.floor(random() * 40));
    sent += items.length;
    const request = fetch(`${ingest}${url}`, { method: 'POST', body: items.map((item) => item.text).join('\n') })
      .then(async (response) => {
        const body = (await response.json()) as { ids?: string[] };
        if (response.status !== 202) return;
        if (body.ids!.length !== items.length) throw new Error(`${pipeline}: ${body.ids!.length} ids for ${items.length} sent`);
        body.ids!.forEach((id, j) => (pipeline === S0 ? acceptedEvents.add(id) : acceptedRecords.set(id, items[j]!)));
      })
      .catch(() => void (unanswered[pipeline] += items.length))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

async function produceFor(running: SluiceProcess, ms: number, kill?: () => Promise<void>): Promise<void> {
  let stop = false;
  const feeding = ([S0, S1] as const).map((pipeline) => produce(running.endpoints.ingest!, pipeline, () => stop));
  await sleep(ms);
  // a kill while producing: the requests in flight then get no answer
  const killed = kill?.();
  stop = true;
  await killed;
  await Promise.all(feeding);
}

const accepted = () => acceptedEvents.size + acceptedRecords.size;

/**
 * How far the batch in hand of a pipeline's delivery stream had got when the stack went down, as its
 * buffer file notes it: none in hand, cut (the workflow may be running), transformed (its delivery may
 * be under way), delivered (its backups may be under way); and the RecordIds of the batch. Where the
 * kill landed tells which windows a run reached.
 */
function inHand(pipeline: string): { step: string; recordIds: string[] } {
  const file = join(dataDir, 'firehose', `${pipeline}.jsonl`);
  let step = 'none';
  let records: string[] = [];
  let through = '';
  for (const line of existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []) {
    let parsed: { recordId?: string; processedThrough?: string; batch?: Record<string, unknown> };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      continue; // an empty line, or a torn last one (a write the kill cut short): a step not done
    }
    const note = parsed.batch;
    if (parsed.recordId !== undefined) records.push(parsed.recordId);
    else if (parsed.processedThrough !== undefined) {
      records = records.slice(records.indexOf(parsed.processedThrough) + 1);
      step = 'none';
    } else if (note?.through !== undefined) {
      through = String(note.through);
      step = note.undelivered ? 'delivered' : note.transformed ? 'transformed' : 'cut';
    } else if (note?.transformed) step = 'transformed';
    else if (note?.undelivered) step = 'delivered';
  }
  return { step, recordIds: step === 'none' ? [] : records.slice(0, records.indexOf(through) + 1) };
}

/**
 * S1's records whose batch a kill left transformed and not noted delivered: the restart delivers the batch
 * again under the same requestId, which New Relic may have taken already (Firehose delivers at least once).
 */
const redelivered = new Set<string>();

// ---- the rounds ----
for (let round = 1; round <= ROUNDS; round++) {
  const running = await start();
  const produceMs = between(2000, 9000);
  const graceful = schedule() < 0.3;
  // sometimes while producing, sometimes after (a flush still in flight, the buffer not yet due)
  const killAfter = between(500, produceMs + 4000);
  const before = accepted();
  let how = '';
  await produceFor(running, Math.min(killAfter, produceMs), async () => {
    if (killAfter > produceMs) await sleep(killAfter - produceMs);
    how = await stopAbruptly(running, graceful, () => between(0, 2500));
  });
  const [s0, s1] = [inHand(S0), inHand(S1)];
  if (s1.step === 'transformed') for (const id of s1.recordIds) redelivered.add(id);
  say(`round ${round}: produce ${(produceMs / 1000).toFixed(1)} s, ${how} at ${(killAfter / 1000).toFixed(1)} s; in hand: ${S0} ${s0.step}, ${S1} ${s1.step} (${s1.recordIds.length} records); accepted ${accepted() - before} (total ${accepted()}), unanswered ${unanswered[S0] + unanswered[S1]}`);
}

// ---- a graceful stop, then a start that drains ----
{
  const running = await start();
  await produceFor(running, 3000);
  running.child.kill('SIGTERM');
  const { code, signal } = await running.exited;
  say(`graceful stop: exit ${code ?? signal}`);
}
type Status = { pipelines: { pipeline: string; records: Record<string, number>; balanced: boolean; batches: Record<string, number> }[]; live: { pipeline: string; lagSeconds: number }[] };
const final = await start();
const statusOf = async () => (await (await fetch(`${final.endpoints.ingest}/status`)).json()) as Status;
const ours = (status: Status) => status.pipelines.filter((p) => p.pipeline === S0 || p.pipeline === S1);
const drainUntil = Date.now() + Number(args['drain-minutes']) * 60_000;
for (;;) {
  const status = await statusOf();
  const started = ours(status).reduce((n, p) => n + (p.batches.STARTED ?? 0), 0);
  const lag = Math.max(0, ...status.live.filter((l) => l.pipeline === S0 || l.pipeline === S1).map((l) => l.lagSeconds));
  if (started === 0 && lag === 0) break;
  if (Date.now() > drainUntil) {
    say(`drain: gave up after ${args['drain-minutes']} min: STARTED ${started}, lag ${lag.toFixed(1)} s`);
    break;
  }
  say(`drain: STARTED ${started}, lag ${lag.toFixed(1)} s`);
  await sleep(5000);
}
await sleep(3000);
const status = await statusOf();

// ---- where the records went ----
const s3 = new S3Client({ endpoint: final.endpoints.s3, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
const backup = config.buckets.backup;
const count = <T>(items: T[]) => {
  const m = new Map<T, number>();
  for (const item of items) m.set(item, (m.get(item) ?? 0) + 1);
  return m;
};
const twice = <T>(counts: Map<T, number>) => [...counts.entries()].filter(([, n]) => n > 1);
const quarantined = new Set((await readLines(s3, backup, 'errors/')).map((row) => String(row.recordId)));
const failedRows = async (pipeline: string, type: string) => readLines(s3, backup, `processing-failed/${pipeline}/${type}/`);
const problems: string[] = [];
const report: string[] = [];

// S1: New Relic (each log carries the record_id sluice gave it), the quarantine, Firehose's backup
{
  const nr = (await (await fetch(`${final.endpoints.newRelic}/logs?limit=100000000`)).json()) as { logs: { record_id?: string }[] };
  const inNewRelic = count(nr.logs.map((l) => String(l.record_id)));
  const ridOf = (id: string) => recordId(`firehose/sluice-${S1}/${id}`);
  const processingFailed = new Set((await failedRows(S1, 'processing-failed')).map((row) => Buffer.from(String(row.rawData), 'base64').toString()));
  const endpointFailed = (await failedRows(S1, 'http-endpoint-failed')).map((row) => Buffer.from(String(row.rawData), 'base64').toString());
  const endpointFailedIds = new Set(endpointFailed.map((text) => String((JSON.parse(text) as { record_id?: string }).record_id)));
  let missing = 0;
  let goodBackedUp = 0;
  let badDelivered = 0;
  const wanted = new Set<string>();
  for (const [id, { text, bad }] of acceptedRecords) {
    const rid = ridOf(id);
    wanted.add(rid);
    const delivered = inNewRelic.has(rid);
    const kept = quarantined.has(rid) || processingFailed.has(text) || endpointFailedIds.has(rid);
    if (!delivered && !kept) missing++;
    if (!bad && !delivered) goodBackedUp += kept ? 1 : 0;
    if (bad && delivered) badDelivered++;
  }
  // twice in New Relic: allowed for a batch a restart delivered again (the same requestId), a problem otherwise
  const mayBeTwice = new Set([...redelivered].map(ridOf));
  const again = twice(inNewRelic).filter(([rid]) => mayBeTwice.has(rid));
  const dups = twice(inNewRelic).filter(([rid]) => !mayBeTwice.has(rid));
  const extra = [...inNewRelic.keys()].filter((rid) => !wanted.has(rid)).length;
  report.push(`${S1}: accepted=${acceptedRecords.size} unanswered=${unanswered[S1]} | New Relic logs=${nr.logs.length} unique=${inNewRelic.size} twice=${dups.length} twice-after-a-restart-delivered-their-batch-again=${again.length} extra=${extra} | processing-failed=${processingFailed.size} http-endpoint-failed=${endpointFailed.length} good-only-in-backup=${goodBackedUp} | missing=${missing}`);
  if (missing > 0) problems.push(`${S1}: ${missing} accepted records neither in New Relic nor kept`);
  if (dups.length > 0) problems.push(`${S1}: ${dups.length} records in New Relic more than once, e.g. ${dups.slice(0, 3).map(([rid, n]) => `${rid} x${n}`).join(', ')}`);
  if (badDelivered > 0) problems.push(`${S1}: ${badDelivered} malformed records delivered`);
  if (extra > unanswered[S1]) problems.push(`${S1}: ${extra} New Relic logs nobody was told about (more than the ${unanswered[S1]} unanswered)`);
}

// S0: OpenSearch documents by their deterministic _id, the lake's copy, the metadata records, Firehose's backup
{
  const search = (await (await fetch(`${final.endpoints.opensearch}/cwl/_search?size=100000000`)).json()) as { hits: { hits: { _id: string }[] } };
  const docs = new Set(search.hits.hits.map((hit) => hit._id));
  const lake = count((await readLines(s3, config.buckets.lake, 'logs/')).map((row) => String(row['@id'])));
  const metadata = count((await readLines(s3, backup, `firehose-metadata/${S0}/`)).map((row) => String(row.recordId)));
  const backedUpEvents = new Set(
    (await failedRows(S0, 'processing-failed')).flatMap((row) => (JSON.parse(gunzipSync(Buffer.from(String(row.rawData), 'base64')).toString()) as { logEvents: { id: string }[] }).logEvents.map((e) => e.id)),
  );
  let missing = 0;
  let notInLake = 0;
  for (const id of acceptedEvents) {
    const delivered = docs.has(recordId(`cwl/${id}`));
    if (!delivered && !quarantined.has(recordId(`cwl/${id}`)) && !backedUpEvents.has(id)) missing++;
    if (delivered && !lake.has(id)) notInLake++;
  }
  const lakeTwice = twice(lake);
  const metadataTwice = twice(metadata);
  const s3Failed = await listKeys(s3, backup, `processing-failed/${S0}/s3-failed/`);
  report.push(`${S0}: accepted=${acceptedEvents.size} unanswered=${unanswered[S0]} | OpenSearch docs=${docs.size} | lake rows unique=${lake.size} twice=${lakeTwice.length} delivered-not-in-lake=${notInLake} | metadata records=${metadata.size} twice=${metadataTwice.length} | processing-failed events=${backedUpEvents.size} s3-failed objects=${s3Failed.length} | missing=${missing}`);
  if (missing > 0) problems.push(`${S0}: ${missing} accepted log events neither in OpenSearch nor kept`);
  if (lakeTwice.length > 0) problems.push(`${S0}: ${lakeTwice.length} log events more than once in the lake, e.g. ${lakeTwice.slice(0, 3).map(([id, n]) => `${id} x${n}`).join(', ')}`);
  if (metadataTwice.length > 0) problems.push(`${S0}: ${metadataTwice.length} metadata records more than once, e.g. ${metadataTwice.slice(0, 3).map(([id, n]) => `${id} x${n}`).join(', ')}`);
  if (notInLake > 0) problems.push(`${S0}: ${notInLake} events in OpenSearch but not in the lake`);
}

for (const p of ours(status)) {
  report.push(`${p.pipeline}: ledger ${JSON.stringify(p.records)} balanced=${p.balanced} batches=${JSON.stringify(p.batches)}`);
  if (!p.balanced) problems.push(`${p.pipeline}: the ledger does not balance`);
  if (p.batches.STARTED) problems.push(`${p.pipeline}: ${p.batches.STARTED} batches still STARTED`);
}

final.child.kill('SIGTERM');
const ended = await final.exited;
for (const line of report) say(line);
for (const p of problems) say(`PROBLEM: ${p}`);
console.log(`firehose-crash-restart: seed=${args.seed} rounds=${ROUNDS} accepted=${accepted()} unanswered=${unanswered[S0] + unanswered[S1]} problems=${problems.length} finalExit=${ended.code ?? ended.signal}`);
log.end();
if (!args.keep && problems.length === 0 && !args['data-dir']) rmSync(work, { recursive: true, force: true });
else say(`kept ${work}`);
process.exit(problems.length === 0 ? 0 : 1);
