import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { defaultConfig } from '../config/default.ts';
import { Breakdown } from '../local/breakdown.ts';
import { startStack, type LocalStack } from '../local/stack.ts';
import { rate, runChain, runFloor } from './chain.ts';
import { barChart, type Bar } from './chart.ts';
import { cloudWatchCorpus, eventsCorpus } from './corpus.ts';
import { kinesisThroughput, objectThroughput } from './e2e.ts';
import { peerS0 } from './peer.ts';
import { profiled } from './profile.ts';
import { OBJECT_BYTES, requestCeiling, requestCosts } from './request-costs.ts';
import { sustainedS4 } from './running-stack.ts';
import { taskDurations } from './task-durations.ts';
import { DEFAULT_ASSUMPTIONS, estimatePipeline } from '../cost/estimate.ts';

/**
 * V8 flags of the large-object runs. No heap cap: the old generation grows with what is live. V8 lets it
 * grow to about twice the live size (more on a large machine) before collecting; 1.2x keeps it near what
 * is live. The young generation (three semi-spaces, 16 MB each by default, in each of the two threads)
 * is reserved whatever is live: semi-spaces of 1 MB took a 100 MB object's peak from 331 MB to 222 MB for
 * 10 % of the rate (18.9k/s against 16.9k/s, one run each); objects survive to the old generation sooner.
 */
const MEMORY_FLAGS = ['--heap-growing-percent=20', '--max-semi-space-size=1'];
/**
 * Chunks of 1 MB for those runs (the default is 4 MB, sized for Lambdas of 1 GB): a chunk's batch is held
 * several times over while a task runs (the chunk read, its records, the claim-checked body serialised and
 * parsed back), two chunks at a time, so the chunk size sets the peak.
 */
const MEMORY_CHUNK_BYTES = 2 ** 20;
/** Records through the kinesis workflow before the measured run: its rate rose over the first 100,000 (6.1-6.6k/s, then 8.1-9.5k, then 10.4-10.6k). */
const E2E_WARMUP_RECORDS = 30_000;
/**
 * The kinesis run's batches: the 500 the issue names, cut as a Pipe cuts them to the 262,144 characters a Step
 * Functions target takes (500 S4 events are 372 KB: about 347 fit). Decode takes such a batch bare and account
 * its input by claim check, so AWS runs them as they are (s4-events-raw itself is configured with 300).
 */
const E2E_BATCH = 500;

/**
 * npm run bench: in-process chain against its floor per corpus, then end-to-end runs through the engine
 * with S3 lake writes, then objects of 100 MB, 500 MB and 1 GB with their peak memory. Prints one line per figure and
 * draws dist/bench/bench.svg, and a flame graph of each end-to-end run beside its CPU profile. Sizes can be lowered for a quick look: BENCH_OBJECT_MB=20,40 npm run bench.
 */
const objectSizesMb = (process.env.BENCH_OBJECT_MB ?? '100,500,1024').split(',').map(Number);
/** BENCH_ONLY=chain|e2e|peer|running|memory|cost (a comma list): parts of the bench, to compare a change quickly. */
const part = (name: string) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').map((part) => part.trim()).includes(name);
// plain integers: the bench lines are read by scripts as well as people
const fmt = (n: number) => String(Math.round(n));
const say = (line: string) => console.log(line);
/** Progress on one rewritten line in a terminal; in a log, a line at most every few seconds. */
let lastStatus = 0;
const status = (line: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(70)}`);
  else if (line && Date.now() - lastStatus > 5000) {
    lastStatus = Date.now();
    process.stderr.write(`${line}\n`);
  }
};
const endStatus = () => process.stderr.isTTY && process.stderr.write(`\r${''.padEnd(70)}\r`);
const bars: Bar[] = [];

for (const [corpus, pipeline] of part('chain') ? ([
  [cloudWatchCorpus(100_000, 500), 's0-logs-to-opensearch'],
  [eventsCorpus(100_000), 's4-events-processed'],
] as const) : []) {
  status(`chain: ${corpus.name} …`);
  const chain = rate(corpus, () => runChain(corpus, defaultConfig, pipeline));
  const floor = rate(corpus, () => runFloor(corpus));
  endStatus();
  say(`bench: ${corpus.name} chain=${fmt(chain)} floor=${fmt(floor)} ratio=${(chain / floor).toFixed(2)}`);
  bars.push({ label: `${corpus.name} chain/floor`, value: Number((chain / floor).toFixed(2)), target: 0.5, unit: '' });
}

const breakdown = new Breakdown();
const stack = part('e2e') ? await startStack(defaultConfig, { skipWaits: true, observer: breakdown }) : undefined;
if (stack) try {
  await mkdir('dist/bench', { recursive: true });
  // a stack that has run a while, as a pipeline is most of its life: its first executions compile the tasks, the engine and the SDK
  const warmup = await kinesisThroughput(stack, 's4-events-raw', E2E_WARMUP_RECORDS, E2E_BATCH, 4, (done) => status(`e2e kinesis: warming up, ${fmt(done)} / ${fmt(E2E_WARMUP_RECORDS)} records`));
  breakdown.take();
  const { result: kinesis, ...kinesisProfile } = await profiled('dist/bench/e2e-kinesis', 'sluice bench: e2e kinesis (main thread: engine, tasks, SDK clients)', () =>
    kinesisThroughput(stack, 's4-events-raw', 100_000, E2E_BATCH, 4, (done) => status(`e2e kinesis: ${fmt(done)} / 100,000 records`), E2E_WARMUP_RECORDS),
  );
  endStatus();
  const perBatch = kinesis.records / kinesis.batches;
  say(`bench: e2e kinesis (Pipes batches of up to ${E2E_BATCH}, cut as a Pipe cuts them: ${fmt(perBatch)} records on average, 4 at a time, S3 lake; after ${fmt(E2E_WARMUP_RECORDS)} records to warm up, which ran at ${fmt(warmup.perSecond)}/s) records=${fmt(kinesis.records)} seconds=${kinesis.seconds.toFixed(1)} rate=${fmt(kinesis.perSecond)}/s cpu=${kinesis.cpuSeconds.toFixed(1)}s`);
  const kinesisBreakdown = breakdown.take();
  say(`bench: breakdown e2e kinesis ${kinesisBreakdown.line}`);
  sayProfile('e2e-kinesis', kinesisProfile);
  bars.push({ label: 'e2e kinesis records/s', value: Math.round(kinesis.perSecond), target: 40_000, unit: '/s' });

  status('e2e s3: warming up on an 8 MB object …');
  const s3Warmup = await objectThroughput(stack, 's4-events-processed', 8 * 2 ** 20, (line) => status(`e2e s3: warming up, ${line}`));
  breakdown.take();
  status('e2e s3: writing a 25 MB object …');
  const { result: s3, ...s3Profile } = await profiled('dist/bench/e2e-s3', 'sluice bench: e2e s3, a 25 MB object (main thread: engine, tasks, SDK clients)', () =>
    objectThroughput(stack, 's4-events-processed', 25 * 2 ** 20, (line) => status(`e2e s3: ${line}`)),
  );
  endStatus();
  say(`bench: e2e s3 (${s3.objectMb} MB object, a chunk execution per chunk, S3 lake; after an ${s3Warmup.objectMb} MB one to warm up, which ran at ${fmt(s3Warmup.perSecond)}/s) records=${fmt(s3.records)} seconds=${s3.seconds.toFixed(1)} rate=${fmt(s3.perSecond)}/s cpu=${s3.cpuSeconds.toFixed(1)}s`);
  say(`bench: breakdown e2e s3 ${breakdown.take().line}`);
  sayProfile('e2e-s3', s3Profile);
  status('e2e: the CPU of each request …');
  await sayRequestCeiling(stack, kinesisBreakdown.requestsPerExecution, perBatch);
  bars.push({ label: 'e2e s3 object records/s', value: Math.round(s3.perSecond), target: 40_000, unit: '/s' });
} finally {
  await stack.stop();
}

if (part('peer')) await peer();

const offered = Number(process.env.BENCH_RUNNING_RATE ?? 2000);
if (part('running')) {
const running = await sustainedS4(defaultConfig, offered, 30, status);
endStatus();
say(
  `bench: running stack s4 (ingest API -> Pipe -> raw -> object events -> s3 workflow -> processed) offered=${offered}/s for ${running.seconds}s records=${running.records} sustained=${fmt(running.sustainedPerSecond)}/s maxLag=${running.maxLagSeconds.toFixed(1)}s latency p50=${fmt(running.latencyP50Ms)}ms p99=${fmt(running.latencyP99Ms)}ms peakRss=${running.peakRssMb}MB (${running.rssBeforeMb} MB before the stack started) stop=${(running.stopMs / 1000).toFixed(1)}s busy main=${running.busy.mainThread.toFixed(2)} servers=${running.busy.serversThread.toFixed(2)} (sluice produce in a process of its own)`,
);
bars.push({ label: 'running stack S4 records/s', value: Math.round(running.sustainedPerSecond), target: 5000, unit: '/s' });
}

if (part('memory')) await memory();

if (part('cost')) await cost();

await mkdir('dist/bench', { recursive: true });
await writeFile('dist/bench/bench.svg', barChart('sluice bench (green: target met)', bars));
say('bench: chart written to dist/bench/bench.svg');

/**
 * The kinesis run's requests per execution (a Pipes batch), what each costs in CPU on this machine's local servers and
 * clients, and the records per second at which the requests alone would fill every core: the ceiling no task work can lift.
 */
async function sayRequestCeiling(stack: LocalStack, perExecution: Map<string, number>, recordsPerExecution: number) {
  const costs = await requestCosts(stack, [...perExecution.keys()]);
  const ceiling = requestCeiling(perExecution, costs, recordsPerExecution);
  endStatus();
  const listed = [...perExecution].map(([operation, n]) => `${operation}=${n.toFixed(1)}x${costs.has(operation) ? costs.get(operation)!.toFixed(2) : '?'}ms`).join(' ');
  say(
    `bench: requests e2e kinesis per execution of ${fmt(recordsPerExecution)} records (count x CPU ms each, both threads, objects of ${OBJECT_BYTES / 1000} KB) ${listed} = ${ceiling.cpuMs.toFixed(1)} ms: the requests alone allow at most ${fmt(ceiling.recordsPerSecond)} records/s on ${availableParallelism()} cores${ceiling.uncosted.length ? ` (not costed: ${ceiling.uncosted.join(', ')})` : ''}`,
  );
}

/** The profile of an end-to-end run: each owner's share, the functions with the most self time, and where its files are. */
function sayProfile(name: string, { owners, top }: { owners: { owner: string; share: number }[]; top: { place: string; share: number }[] }) {
  const run = name.replace('-', ' ');
  say(`bench: profile ${run} by owner (the innermost frame of the engine, s3rver, dynalite, the SDK or a task) ${owners.map((o) => `${o.owner}=${(o.share * 100).toFixed(1)}%`).join(' ')}`);
  say(`bench: profile ${run} (self time; flame graph dist/bench/${name}.flame.svg; dist/bench/${name}.cpuprofile opens as a flame chart in Chrome DevTools or speedscope) ${top.map((t) => `${t.place} ${(t.share * 100).toFixed(1)}%`).join(' · ')}`);
}

/** Seed S0's handler written by hand against sluice's firehose workflow, on the same corpus and stand-in. */
async function peer() {
  status('peer: s0 by hand and through sluice …');
  const rates = await peerS0(defaultConfig, Number(process.env.BENCH_PEER_EVENTS ?? 50_000));
  endStatus();
  say(`bench: peer s0 handwritten=${fmt(rates.handwrittenPerSecond)}/s sluice=${fmt(rates.sluicePerSecond)}/s ratio=${(rates.sluicePerSecond / rates.handwrittenPerSecond).toFixed(2)} events=${rates.events}`);
  bars.push({ label: 'sluice / hand-written S0', value: Number((rates.sluicePerSecond / rates.handwrittenPerSecond).toFixed(2)), target: 1, unit: '' });
}

/** Each object size in a process of its own, so that each peak is its own; the same chunk size for all. */
async function memory() {
  for (const objectMb of objectSizesMb) {
    status(`memory: a ${objectMb} MB object …`);
    const child = spawnSync(process.execPath, [...MEMORY_FLAGS, '--import', 'tsx', 'bench/memory.ts', String(objectMb), String(MEMORY_CHUNK_BYTES)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (child.status !== 0) throw new Error(`the memory run of a ${objectMb} MB object failed (exit ${child.status})`);
    const run = JSON.parse(child.stdout.trim().split('\n').pop()!) as { peakRssMb: number; vmHwmMb: number; baselineRssMb: number; heapUsedMb: number; arrayBuffersMb: number; threadHeapMb: number; records: number; perSecond: number };
    endStatus();
    say(
      `bench: memory ${objectMb}MB peakRss=${run.peakRssMb}MB vmHwm=${run.vmHwmMb}MB (JSONL through the s3 workflow, no heap cap, ${MEMORY_FLAGS.join(' ')}, chunks of ${MEMORY_CHUNK_BYTES / 2 ** 20} MB; at the peak: heap ${run.heapUsedMb} MB, ArrayBuffers ${run.arrayBuffersMb} MB, the servers' thread's heap ${run.threadHeapMb} MB; ${run.baselineRssMb} MB before the object) records=${fmt(run.records)} rate=${fmt(run.perSecond)}/s`,
    );
    bars.push({ label: `peak RSS, ${objectMb} MB object`, value: Math.max(run.peakRssMb, run.vmHwmMb), target: 256, unit: 'MB', lowerIsBetter: true });
  }
}

/**
 * The task and execution times `sluice cost` assumes (100 ms per task call, 1 s per execution), measured
 * instead on the embedded stack for the dearest kinesis pipeline (a DynamoDB and a lake sink) at 1 KB records,
 * with its orchestration and compute per million at level ERROR; and the task time up to which the target holds.
 */
async function cost() {
  const pipeline = 's3-events-to-archive';
  status('cost: measuring task times …');
  const measured = await taskDurations(defaultConfig, pipeline, 21, 1024);
  endStatus();
  const config = defaultConfig.pipelines[pipeline]!;
  const tasksPerExecution = Object.values(measured.byState).reduce((a, b) => a + b, 0);
  const orchestration = (taskMs: number, executionSeconds: number) => {
    const e = estimatePipeline(pipeline, config, defaultConfig, { ...DEFAULT_ASSUMPTIONS, logLevel: 'ERROR', taskMs, executionSeconds });
    return e.express + e.lambda;
  };
  // an execution takes its tasks' time and the engine's own, which does not grow with the tasks'
  const overheadSeconds = Math.max(0, measured.executionSeconds - tasksPerExecution / 1000);
  const states = Object.keys(measured.byState).length;
  const at = (taskMs: number) => orchestration(taskMs, overheadSeconds + (states * taskMs) / 1000);
  let low = 0;
  let high = 1000;
  while (high - low > 0.5) {
    const mid = (low + high) / 2;
    if (at(mid) <= 0.05) low = mid;
    else high = mid;
  }
  say(
    `bench: cost ${pipeline} (${measured.batches} batches of ${measured.records} x 1 KB, one at a time, local servers) task ms per call ${Object.entries(measured.byState).map(([state, ms]) => `${state.split(' ')[0]!.toLowerCase()}=${ms.toFixed(1)}`).join(' ')} mean=${measured.taskMs.toFixed(1)} execution=${measured.executionSeconds.toFixed(3)}s requests per batch s3=${fmt(measured.requests.s3)} dynamodb=${fmt(measured.requests.dynamodb)} (${measured.requests.localMs.toFixed(1)} ms each locally)`,
  );
  say(
    `bench: cost orchestration+compute per million at ERROR: $${orchestration(measured.taskMs, measured.executionSeconds).toFixed(3)} at these times, $${orchestration(DEFAULT_ASSUMPTIONS.taskMs, DEFAULT_ASSUMPTIONS.executionSeconds).toFixed(3)} at sluice cost's assumed ${DEFAULT_ASSUMPTIONS.taskMs} ms / ${DEFAULT_ASSUMPTIONS.executionSeconds} s; target $0.050 holds up to ${fmt(low)} ms per task call`,
  );
  bars.push({ label: 'Express + Lambda per million (measured task times)', value: Number(orchestration(measured.taskMs, measured.executionSeconds).toFixed(3)), target: 0.05, unit: '$/M', lowerIsBetter: true });
}
