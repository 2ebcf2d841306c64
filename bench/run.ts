import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { defaultConfig } from '../config/default.ts';
import { Breakdown } from '../local/breakdown.ts';
import { startStack } from '../local/stack.ts';
import { rate, runChain, runFloor } from './chain.ts';
import { barChart, type Bar } from './chart.ts';
import { cloudWatchCorpus, eventsCorpus } from './corpus.ts';
import { kinesisThroughput, objectThroughput } from './e2e.ts';
import { profiled } from './profile.ts';
import { sustainedS4 } from './running-stack.ts';

/** The heap the large-object run gets: live memory must fit it, whatever the object's size. */
const HEAP_CAP_MB = 256;

/**
 * npm run bench: in-process chain against its floor per corpus, then end-to-end runs through the engine
 * with S3 lake writes, then a 200 MB object with its peak memory. Prints one line per figure and draws
 * dist/bench/bench.svg. Sizes can be lowered for a quick look: BENCH_OBJECT_MB=20 npm run bench.
 */
const objectMb = Number(process.env.BENCH_OBJECT_MB ?? 200);
/** BENCH_ONLY=chain|e2e|running|memory: one part of the bench, to compare a change quickly. */
const part = (name: string) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY === name;
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
const stack = part('e2e') ? await startStack(defaultConfig, { skipWaits: true, breakdown }) : undefined;
if (stack) try {
  await mkdir('dist/bench', { recursive: true });
  const { result: kinesis, top: kinesisTop, owners: kinesisOwners } = await profiled('dist/bench/e2e-kinesis.cpuprofile', () =>
    kinesisThroughput(stack, 's4-events-raw', 100_000, 500, 4, (done) => status(`e2e kinesis: ${fmt(done)} / 100,000 records`)),
  );
  endStatus();
  say(`bench: e2e kinesis (Pipes batches of 500, 4 at a time, S3 lake) records=${fmt(kinesis.records)} seconds=${kinesis.seconds.toFixed(1)} rate=${fmt(kinesis.perSecond)}/s cpu=${kinesis.cpuSeconds.toFixed(1)}s`);
  say(`bench: breakdown e2e kinesis ${breakdown.take()}`);
  say(`bench: profile e2e kinesis by owner (the innermost frame of the engine, s3rver, dynalite, the SDK or a task) ${kinesisOwners.map((o) => `${o.owner}=${(o.share * 100).toFixed(1)}%`).join(' ')}`);
  bars.push({ label: 'e2e kinesis records/s', value: Math.round(kinesis.perSecond), target: 40_000, unit: '/s' });
  say(`bench: profile e2e kinesis (self time; dist/bench/e2e-kinesis.cpuprofile opens as a flame chart in Chrome DevTools or speedscope) ${kinesisTop.map((t) => `${t.place} ${(t.share * 100).toFixed(1)}%`).join(' · ')}`);

  status('e2e s3: writing a 25 MB object …');
  const s3 = await objectThroughput(stack, 's4-events-processed', 25 * 2 ** 20, (lines) => status(`e2e s3: ${fmt(lines)} lines through the s3 workflow …`));
  endStatus();
  say(`bench: e2e s3 (${s3.objectMb} MB object, a chunk execution per chunk, S3 lake) records=${fmt(s3.records)} seconds=${s3.seconds.toFixed(1)} rate=${fmt(s3.perSecond)}/s cpu=${s3.cpuSeconds.toFixed(1)}s`);
  say(`bench: breakdown e2e s3 ${breakdown.take()}`);
  bars.push({ label: 'e2e s3 object records/s', value: Math.round(s3.perSecond), target: 40_000, unit: '/s' });
} finally {
  await stack.stop();
}

const offered = Number(process.env.BENCH_RUNNING_RATE ?? 2000);
if (part('running')) {
const running = await sustainedS4(defaultConfig, offered, 30, status);
endStatus();
say(
  `bench: running stack s4 (ingest API -> Pipe -> raw -> object events -> s3 workflow -> processed) offered=${offered}/s for ${running.seconds}s records=${running.records} sustained=${fmt(running.sustainedPerSecond)}/s maxLag=${running.maxLagSeconds.toFixed(1)}s latency p50=${fmt(running.latencyP50Ms)}ms p99=${fmt(running.latencyP99Ms)}ms`,
);
bars.push({ label: 'running stack S4 records/s', value: Math.round(running.sustainedPerSecond), target: 5000, unit: '/s' });
}

if (part('memory')) {
status(`memory: writing a ${objectMb} MB object …`);
const child = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx', 'bench/memory.ts', String(objectMb)], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (child.status !== 0) throw new Error(`the memory run failed (exit ${child.status}): a ${objectMb} MB object does not fit a ${HEAP_CAP_MB} MB heap`);
const big = JSON.parse(child.stdout.trim().split('\n').pop()!) as { peakRssMb: number; records: number; perSecond: number; objectMb: number };
say(`bench: memory (${big.objectMb} MB JSONL object through the s3 workflow, heap capped at ${HEAP_CAP_MB} MB) peakRss=${big.peakRssMb}MB records=${fmt(big.records)} rate=${fmt(big.perSecond)}/s`);
bars.push({ label: `peak RSS, ${big.objectMb} MB object`, value: big.peakRssMb, target: 512, unit: 'MB', lowerIsBetter: true });
}

await mkdir('dist/bench', { recursive: true });
await writeFile('dist/bench/bench.svg', barChart('sluice bench (green: target met)', bars));
say('bench: chart written to dist/bench/bench.svg');
