import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SluiceConfig } from '../contracts/config.ts';
import { firehoseSettings, httpEndpointRetrySeconds } from '../contracts/config.ts';
import { WORK_EXPIRY_DAYS } from '../contracts/deployment.ts';
import { pipeSettings } from '../contracts/pipe-settings.ts';
import { sweep } from '../redrive/sweep.ts';
import { FileCheckpoints } from './sources/checkpoints.ts';
import { AlertOutbox } from './alert-outbox.ts';
import { claimsFrom, ExecutionStore, storeOptions } from './execution-store.ts';
import { startInspector } from './inspector-server.ts';
import { redriveBatch } from '../redrive/redrive-batch.ts';
import { CloudWatchSubscription } from './sources/cloudwatch-subscription.ts';
import { httpEndpointDestination, s3Destination } from './sources/firehose-destinations.ts';
import type { ExecutionResult } from './engine.ts';
import { bufferFileOf } from './sources/firehose-buffer.ts';
import { FirehoseStream } from './sources/firehose-stream.ts';
import { startIngestServer } from './sources/ingest-server.ts';
import { putRecords } from './sources/kinesis-pipe.ts';
import { replayMissedObjectEvents } from './sources/missed-object-events.ts';
import { expireObjects } from './sources/bucket-expiry.ts';
import { expireShards } from './sources/stream-retention.ts';
import { streamOf } from './servers.ts';
import { withFirehoseBackups } from './firehose-backups.ts';
import { ledgerStatus } from './ledger-status.ts';
import { LiveStats } from './live-stats.ts';
import { threadLoad, type ThreadLoad } from './thread-load.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { endsWithin } from './ends-within.ts';
import { PipeRunner } from './sources/pipe-runner.ts';
import { localRedriver } from './redriver.ts';
import { startStack, type LocalStack } from './stack.ts';
import { startStandIns, withStandIns } from './stand-in-destinations.ts';

export interface RunningStackOptions {
  dataDir: string;
  /** The ingest API's port (0: any free one); the stand-ins take the next ones when it is set. */
  port: number;
  maxBodyBytes?: number;
  /** How often the sweep looks for executions that never finished (the scheduled Lambda's rate on AWS). */
  sweepEverySeconds?: number;
  /** How often the streams' records past their retention are let go (kinesalite deletes them only when read). */
  expireEverySeconds?: number;
  /** How often the work bucket's objects past its lifecycle (a day) are let go (s3rver applies no lifecycle). */
  workExpireEverySeconds?: number;
  /** Called with every execution that ended (the bench measures latency with it). */
  onExecution?: (result: ExecutionResult) => void;
}

export interface RunningStack {
  stack: LocalStack;
  stats: LiveStats;
  /** How busy the stack's threads were over the last 5 s. */
  load: () => ThreadLoad;
  /** How busy they were from now until the returned function is called. */
  loadFrom: () => () => ThreadLoad;
  endpoints: Record<string, string>;
  /** Closes intake, lets what is in flight finish (or leaves it to the ledger after `withinMs`), keeps the rest on disk. */
  stop(withinMs?: number): Promise<void>;
}

/**
 * The embedded stack as a running system: the seeds' sources (ingest API, CloudWatch Logs
 * subscriptions, a Pipe per Kinesis stream, a delivery stream per Firehose pipeline, S3 object events),
 * stand-in destinations where no local server exists, and the sweep; all state in `dataDir`.
 */
export async function startRunningStack(config: SluiceConfig, options: RunningStackOptions): Promise<RunningStack> {
  await mkdir(options.dataDir, { recursive: true });
  const unlock = await lockDataDir(options.dataDir);
  // what has started so far, stopped again (last first) when a later part cannot start
  const undo: (() => Promise<void>)[] = [unlock];
  try {
    return await startParts(config, options, undo, unlock);
  } catch (error) {
    for (const step of undo.reverse()) await step().catch((e: Error) => void process.stderr.write(`sluice: while giving up the start: ${e.message}\n`));
    throw error;
  }
}

async function startParts(config: SluiceConfig, options: RunningStackOptions, undo: (() => Promise<void>)[], unlock: () => Promise<void>): Promise<RunningStack> {
  const standIns = await startStandIns(options.port === 0 ? 0 : options.port + 1, options.dataDir);
  undo.push(() => standIns.stop());
  const configured = withStandIns(config, standIns);
  const pipelines = Object.keys(configured.pipelines);
  const runners = new Map<string, PipeRunner>();
  const streams = new Map<string, FirehoseStream>();
  const stats = new LiveStats(pipelines, (pipeline) => {
    const stream = streams.get(pipeline)?.buffered.oldest;
    return runners.get(pipeline)?.lagSeconds() ?? (stream === undefined ? 0 : (Date.now() - stream) / 1000);
  });
  const byStreamName = new Map<string, FirehoseStream>();
  const outbox = new AlertOutbox(join(options.dataDir, 'alerts.jsonl'));
  const store = await ExecutionStore.open(options.dataDir, storeOptions(configured));
  const ended = (result: ExecutionResult, redrove?: string) => {
    stats.ended(result);
    options.onExecution?.(result);
    store.add(result, { redrove, readClaim: claimsFrom(stack.ctx) }).catch((error: Error) => void process.stderr.write(`sluice: execution ${result.executionArn} not kept for the inspector: ${error.message}\n`));
  };
  const stack = await startStack(configured, {
    dataDir: options.dataDir,
    routeObjectEvents: true,
    streamShards: 4,
    keepClaims: true,
    alert: outbox.add,
    onTriggered: (result) => ended(result),
    reingest: async (name, records) => {
      const stream = byStreamName.get(name);
      if (!stream) throw new Error(`no local delivery stream named ${name}`);
      await stream.put(records.map((record) => Buffer.from(record)));
    },
  });
  undo.push(() => stack.stop());
  const load = threadLoad(stack.servers.threadLoop);
  undo.push(async () => load.stop());
  // before the Pipes write new objects: an object whose event a stop or a kill lost starts now
  const replayed = await replayMissedObjectEvents(stack);
  if (replayed > 0) process.stderr.write(`sluice: ${replayed} object event(s) replayed: objects with no ledger row, whose event a stop or a kill cut off\n`);

  for (const [name, pipeline] of Object.entries(configured.pipelines)) {
    if (pipeline.workflow === 'kinesis') {
      const runner = new PipeRunner(stack, name, {
        settings: pipeSettings(pipeline),
        checkpoints: await FileCheckpoints.open(join(options.dataDir, 'pipes', `${name}.json`)),
        deadLetter: async (letter) => {
          await mkdir(join(options.dataDir, 'dead-letters'), { recursive: true });
          await appendFile(join(options.dataDir, 'dead-letters', `${name}.jsonl`), `${JSON.stringify(letter)}\n`);
          process.stderr.write(`sluice: ${name}: a batch exhausted its retries; its place is in ${join(options.dataDir, 'dead-letters', `${name}.jsonl`)}\n`);
        },
        onResult: (result) => ended(result),
      });
      runners.set(name, runner);
      undo.push(async () => void (await runner.stop(1000)));
    } else if (pipeline.workflow === 'firehose') {
      const settings = firehoseSettings(name, pipeline);
      const stream = await FirehoseStream.open(stack, {
        pipeline: name,
        settings,
        destination: settings.mode === 'transform' ? httpEndpointDestination(standIns.newRelicFirehoseUrl, httpEndpointRetrySeconds(pipeline, configured.limits)) : s3Destination(stack, name),
        bufferFile: bufferFileOf(options.dataDir, name),
        onResult: (result) => ended(result),
      });
      streams.set(name, stream);
      undo.push(() => stream.stop(1000));
      byStreamName.set(stream.name, stream);
    }
  }

  // an execution a kill cut short is found by its ledger row, as the scheduled sweep finds it on AWS; the
  // first sweep ends before the Pipes read: a batch it starts again is in the shard index before a Pipe
  // re-reads its records, cut another way, and drops them as redelivered instead of delivering them twice
  // a delivery stream's batch a stop or a kill left in hand goes on first: the sweep would put its records back too
  for (const stream of streams.values()) await stream.resume();
  const redriver = localRedriver(stack, undefined, (result) => ended(result));
  const sweepOnce = () => sweep(redriver).catch((error: Error) => void process.stderr.write(`sluice: sweep: ${error.message}\n`));
  let sweeping = sweepOnce();
  await sweeping;
  for (const runner of runners.values()) await runner.start();

  const subscription = new CloudWatchSubscription();
  const onBadRow = (problem: string) => process.stderr.write(`sluice: ledger row skipped: ${problem}\n`);
  const ingest = await startIngestServer(
    {
      config: configured,
      putKinesis: (pipeline, datas) => putRecords(stack, pipeline, datas),
      putFirehose: (pipeline, datas) => streams.get(pipeline)!.put(datas),
      subscription,
      status: async () => ({ pipelines: await withFirehoseBackups(stack.ctx, await ledgerStatus(stack.ctx, onBadRow)), live: stats.snapshot(), load: load.load() }),
      alerts: () => outbox.list(),
      accepted: (pipeline, records) => stats.accepted(pipeline, records),
    },
    { port: options.port, maxBodyBytes: options.maxBodyBytes ?? 10 * 1024 * 1024 },
  );

  const inspector = await startInspector(
    {
      store,
      pipelines,
      redrive: (batchId, fromExecution) => redriveBatch(localRedriver(stack, undefined, (result) => ended(result, fromExecution)), batchId),
    },
    options.port === 0 ? 0 : options.port + 3,
  );
  undo.push(() => inspector.close());

  const sweeper = setInterval(() => (sweeping = sweeping.then(sweepOnce)), (options.sweepEverySeconds ?? 60) * 1000);
  // the streams keep a day, as Kinesis does: what is past it goes (stream-retention.ts)
  const streamNames = Object.entries(configured.pipelines).flatMap(([name, pipeline]) => (pipeline.workflow === 'kinesis' ? [streamOf(name)] : []));
  let stopping = false;
  const expireOnce = async () => {
    for (const stream of streamNames) {
      if (stopping) return;
      await expireShards(stack.servers.kinesis, stream, { stopped: () => stopping }).catch((error: Error) => void process.stderr.write(`sluice: ${stream}: records past retention not let go: ${error.message}\n`));
    }
  };
  let expiring = expireOnce();
  const expirer = setInterval(() => (expiring = expiring.then(expireOnce)), (options.expireEverySeconds ?? 300) * 1000);
  // the work bucket keeps a day, as its lifecycle rule does on AWS: staged lake objects a commit copied, claim checks
  const expireWork = () =>
    expireObjects(stack.servers.s3, configured.buckets.work, { maxAgeMs: WORK_EXPIRY_DAYS * 86_400_000, stopped: () => stopping })
      .then(() => undefined)
      .catch((error: Error) => void process.stderr.write(`sluice: ${configured.buckets.work}: objects past the work bucket's day not let go: ${error.message}\n`));
  expiring = expiring.then(expireWork);
  const workExpirer = setInterval(() => (expiring = expiring.then(expireWork)), (options.workExpireEverySeconds ?? 3600) * 1000);
  undo.push(async () => {
    clearInterval(sweeper);
    clearInterval(expirer);
    clearInterval(workExpirer);
    stopping = true;
    await Promise.all([sweeping, expiring]);
  });

  const endpoints = {
    ingest: ingest.url,
    s3: stack.servers.s3Endpoint,
    dynamodb: stack.servers.dynamoEndpoint,
    kinesis: stack.servers.kinesisEndpoint,
    opensearch: standIns.openSearchUrl,
    newRelic: standIns.newRelicUrl,
    inspect: inspector.url,
  };
  // for `sluice produce` and `sluice status` on the same data folder
  const endpointsFile = join(options.dataDir, 'endpoints.json');
  await writeFile(endpointsFile, JSON.stringify(endpoints, null, 2));

  return {
    stack,
    stats,
    load: load.load,
    loadFrom: load.from,
    endpoints,
    async stop(withinMs = 25_000) {
      const deadline = Date.now() + withinMs;
      clearInterval(sweeper);
      clearInterval(expirer);
      clearInterval(workExpirer);
      stopping = true;
      load.stop();
      await rm(endpointsFile, { force: true });
      await ingest.close();
      await Promise.all([...streams.values()].map((stream) => stream.stop(Math.max(0, deadline - Date.now()))));
      const outcomes = await Promise.all([...runners.values()].map((runner) => runner.stop(Math.max(0, deadline - Date.now()))));
      if (outcomes.includes('abandoned')) process.stderr.write('sluice: an execution outlasted the stop; its ledger row says STARTED, and the next start redrives it\n');
      await endsWithin(Promise.all([stack.settle(), sweeping, expiring]), deadline - Date.now());
      // the traces of what ended are written before the folder is let go (a trace left out is a list line without a page)
      await endsWithin(store.flush(), deadline - Date.now());
      await inspector.close();
      await standIns.stop();
      await stack.stop();
      await unlock();
    },
  };
}
