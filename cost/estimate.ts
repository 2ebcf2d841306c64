import { DEFAULT_LOG_LEVEL, firehoseSettings, INLINE_INPUT_BYTES, type LogLevel, type PipelineConfig, type SluiceConfig } from '../contracts/config.ts';
import { ERROR_LOG_BYTES, LOG_BYTES } from './log-bytes.ts';
import { pipeSettings } from '../contracts/pipe-settings.ts';
import { pipesBatchRecords, pipesRecordChars } from '../contracts/pipes-kinesis.ts';

/**
 * Prices assumed (us-east-1, USD). Express and Lambda figures are from the Step Functions and Lambda
 * pricing pages as the contracts note records them; Kinesis, Pipes and Firehose figures are list prices
 * taken on trust here (no AWS access): check them before relying on the estimate.
 */
export const PRICES = {
  expressPerMillionRequests: 1.0,
  expressPerGbSecond: 0.00001667,
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  kinesisOnDemandPerGbIn: 0.08,
  kinesisOnDemandPerGbOut: 0.04,
  pipesPerMillionRequests: 0.4,
  firehosePerGbIn: 0.029,
  /** CloudWatch Logs standard ingestion. */
  logsPerGbIngested: 0.5,
  /** S3 Standard PUT, COPY, POST, LIST; GET. */
  s3PerThousandPuts: 0.005,
  s3PerThousandGets: 0.0004,
  /** DynamoDB on-demand writes and reads (after the November 2024 price cut): a write unit per KB of an item, a read unit per 4 KB (half for an eventually consistent read). */
  dynamoDbPerMillionWrites: 0.625,
  dynamoDbPerMillionReads: 0.125,
} as const;

/** What the estimate assumes about the traffic and the run time; each can be given on the command line. */
export interface Assumptions {
  recordBytes: number;
  /** Seconds an execution of one batch runs (Express bills duration in 100 ms steps, memory in 64 MB steps). */
  executionSeconds: number;
  /** Average milliseconds of one task invocation. */
  taskMs: number;
  /** Records in one S3 object (s3 workflow). */
  objectRecords: number;
  /** Lake objects a batch writes (one per partition: event type and hour). */
  partitionsPerBatch: number;
  /** Share of executions that fail or back records up (what level ERROR logs; those run the backup task too). */
  failureRate: number;
  /** Overrides every pipeline's logLevel (to compare ALL with ERROR). */
  logLevel?: LogLevel;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = { recordBytes: 1024, executionSeconds: 1, taskMs: 100, objectRecords: 100_000, partitionsPerBatch: 4, failureRate: 0.001 };

const LAMBDA_GB = 1;
const EXPRESS_GB = 0.0625;
const MILLION = 1_000_000;
const GB = 1024 ** 3;

export interface Estimate {
  pipeline: string;
  workflow: string;
  executions: number;
  lambdaInvocations: number;
  express: number;
  lambda: number;
  logs: number;
  s3: number;
  dynamodb: number;
  source: number;
  total: number;
}

/** Task invocations of every batch: decode, validate, enrich, deliver, account; backup runs too when a record failed or was quarantined. */
const TASKS_PER_BATCH = 5;

/** The cost of one million records through one pipeline. */
export function estimatePipeline(name: string, pipeline: PipelineConfig, config: SluiceConfig, a: Assumptions = DEFAULT_ASSUMPTIONS): Estimate {
  const gigabytes = (MILLION * a.recordBytes) / GB;
  let executions: number;
  /** Executions that run the record chain: every batch; of an object, its one chunk or each of its chunks (a split execution logs little). */
  let runs: number;
  let invocations: number;
  let source: number;
  if (pipeline.workflow === 'kinesis') {
    // the Pipe's batch, or fewer records when their envelopes fill what a Step Functions target takes
    const stream = `sluice-${name}`;
    const batchSize = pipesBatchRecords(stream, pipeSettings(pipeline).batchSize, a.recordBytes);
    executions = runs = MILLION / batchSize;
    invocations = executions * (TASKS_PER_BATCH + a.failureRate);
    // Pipes bills each 64 KB of the payload it hands the target: the records in their envelopes
    const pipeRequests = executions * Math.ceil((batchSize * pipesRecordChars(stream, a.recordBytes)) / (64 * 1024));
    source = gigabytes * (PRICES.kinesisOnDemandPerGbIn + PRICES.kinesisOnDemandPerGbOut) + (pipeRequests / MILLION) * PRICES.pipesPerMillionRequests;
  } else if (pipeline.workflow === 'firehose') {
    const perInvocation = Math.max(1, Math.floor((firehoseSettings(name, pipeline).sizeMb * 1024 * 1024) / a.recordBytes));
    executions = runs = MILLION / perInvocation;
    invocations = executions * (TASKS_PER_BATCH + a.failureRate + 1);
    // Firehose bills ingestion in 5 KB steps per record
    const billedGb = (MILLION * Math.ceil(a.recordBytes / 5120) * 5120) / GB;
    source = billedGb * PRICES.firehosePerGbIn;
  } else {
    // one chunk: the object's own execution runs the record chain; more: it splits (one invocation) and
    // each chunk is an execution of its own that runs the chain
    const objects = MILLION / a.objectRecords;
    const chunks = Math.max(1, Math.ceil((a.objectRecords * a.recordBytes) / config.limits.chunkBytes));
    runs = objects * chunks;
    const split = chunks === 1 ? 0 : objects;
    executions = split + runs;
    invocations = split + runs * (TASKS_PER_BATCH + a.failureRate);
    source = 0;
  }
  const express = (executions / MILLION) * PRICES.expressPerMillionRequests + executions * Math.ceil(a.executionSeconds * 10) / 10 * EXPRESS_GB * PRICES.expressPerGbSecond;
  const lambda = (invocations / MILLION) * PRICES.lambdaPerMillionRequests + invocations * (a.taskMs / 1000) * LAMBDA_GB * PRICES.lambdaArmPerGbSecond;
  const logs = logCost(pipeline, runs, config, a);
  const { puts, gets } = requests(name, pipeline.workflow, runs, config, a);
  const s3 = (puts / 1000) * PRICES.s3PerThousandPuts + (gets / 1000) * PRICES.s3PerThousandGets;
  const { writes, reads } = ledgerUnits(pipeline.workflow, runs, a);
  const dynamodb = (writes / MILLION) * PRICES.dynamoDbPerMillionWrites + (reads / MILLION) * PRICES.dynamoDbPerMillionReads;
  return { pipeline: name, workflow: pipeline.workflow, executions, lambdaInvocations: invocations, express, lambda, logs, s3, dynamodb, source, total: express + lambda + logs + s3 + dynamodb + source };
}

/**
 * CloudWatch Logs ingestion at the pipeline's level: at ALL every execution's history, whose states carry
 * the batch's data up to the claim-check threshold (beyond it, a reference); at ERROR, failed executions' events.
 */
function logCost(pipeline: PipelineConfig, runs: number, config: SluiceConfig, a: Assumptions): number {
  const level = a.logLevel ?? pipeline.logLevel ?? DEFAULT_LOG_LEVEL;
  const measured = LOG_BYTES[pipeline.workflow];
  const dataBytes = Math.min((MILLION * a.recordBytes) / runs, config.limits.claimCheckBytes);
  const bytes = level === 'ALL' ? runs * (measured.perExecution + measured.perRecordByte * dataBytes) : level === 'OFF' ? 0 : runs * a.failureRate * ERROR_LOG_BYTES;
  return (bytes / GB) * PRICES.logsPerGbIngested;
}

/**
 * S3 requests, counted from what the workflow does. A batch: the kept input (a PUT; its DELETE is free),
 * the input as the batch carries it to account, by claim check over INLINE_INPUT_BYTES (a PUT and a GET),
 * a staged PUT and a committing COPY per lake object, a PUT and a GET per task boundary when the batch
 * outgrows the claim-check threshold (five boundaries). An S3 object: a GET of it (its event is kept in
 * its row); of one chunk, then as a batch; of more, a PUT and a GET per chunk, each chunk a batch.
 */
function requests(name: string, workflow: string, runs: number, config: SluiceConfig, a: Assumptions): { puts: number; gets: number } {
  const perRun = MILLION / runs;
  const batchBytes = perRun * a.recordBytes;
  const claimChecks = batchBytes > config.limits.claimCheckBytes ? 5 : 0;
  const lake = runs * (2 * a.partitionsPerBatch + claimChecks);
  if (workflow === 's3') {
    const objects = MILLION / a.objectRecords;
    if (runs === objects) return { puts: lake, gets: objects + runs * claimChecks };
    return { puts: lake + runs, gets: objects + runs * (1 + claimChecks) };
  }
  // the input as it came: records in Pipes' envelopes, or base64 in a Firehose request (about 60 bytes of recordId a record)
  const inputBytes = workflow === 'kinesis' ? perRun * pipesRecordChars(`sluice-${name}`, a.recordBytes) : perRun * (4 * Math.ceil(a.recordBytes / 3) + 60);
  const carried = inputBytes > INLINE_INPUT_BYTES ? runs : 0;
  return { puts: runs + carried + lake, gets: carried + runs * claimChecks };
}

/** What a Kinesis batch's claim in the shard index takes: its keys, and a packed sequence number per record (26 characters for AWS's). */
const claimBytes = (records: number) => 200 + 26 * records;

/**
 * A shard's commit lock item: its keys and lease, the holder's staged lake objects (about 250 bytes each),
 * and the claims it remembers for 10 s (about 240 bytes each: a batch id and two sequence numbers),
 * 10 of them at a batch a second on the shard (a busier shard keeps up to 32: about 8 KB, twice the units).
 */
const lockBytes = (a: Assumptions) => 200 + 250 * a.partitionsPerBatch + 240 * 10;

/**
 * Ledger write and read units, rows of up to 1 KB. A row's first write costs a unit in the table and one
 * in the status index, a write that changes its status one in the table and two in the index (the old
 * entry out, the new in), one that keeps it one in each. A batch: its STARTED and its final row (5). A
 * Kinesis batch also reads the shard index at decode and again at account (half a unit each), takes, renews
 * and lets go of its shard's commit lock (an item in the table only, a write of its size each: 3 x 4), and, once delivered, writes its claim there
 * (its size, in the table and the index). An S3 object of one chunk: its STARTED and final row (5); of
 * more, its STARTED row, its chunk count, its settling (7), and per chunk the chunk's row and its count
 * added to the object's (4).
 */
function ledgerUnits(workflow: string, runs: number, a: Assumptions): { writes: number; reads: number } {
  if (workflow === 's3') {
    const objects = MILLION / a.objectRecords;
    return { writes: runs === objects ? objects * 5 : objects * 7 + runs * 4, reads: 0 };
  }
  if (workflow === 'kinesis') return { writes: runs * (5 + 3 * Math.ceil(lockBytes(a) / 1024) + 2 * Math.ceil(claimBytes(MILLION / runs) / 1024)), reads: runs * 1 };
  return { writes: runs * 5, reads: 0 };
}

export function estimate(config: SluiceConfig, a: Assumptions = DEFAULT_ASSUMPTIONS): Estimate[] {
  return Object.entries(config.pipelines).map(([name, pipeline]) => estimatePipeline(name, pipeline, config, a));
}
