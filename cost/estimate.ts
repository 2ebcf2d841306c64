import { firehoseSettings, type PipelineConfig, type SluiceConfig } from '../contracts/config.ts';
import { PIPE_SETTINGS } from '../contracts/pipe-settings.ts';

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
}

export const DEFAULT_ASSUMPTIONS: Assumptions = { recordBytes: 1024, executionSeconds: 1, taskMs: 100, objectRecords: 100_000 };

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
  source: number;
  total: number;
}

/** Task invocations of one batch: decode, validate, enrich, deliver, backup (when anything failed), account. */
const TASKS_PER_BATCH = 6;

/** The cost of one million records through one pipeline. */
export function estimatePipeline(name: string, pipeline: PipelineConfig, config: SluiceConfig, a: Assumptions = DEFAULT_ASSUMPTIONS): Estimate {
  const gigabytes = (MILLION * a.recordBytes) / GB;
  let executions: number;
  let invocations: number;
  let source: number;
  if (pipeline.workflow === 'kinesis') {
    executions = MILLION / PIPE_SETTINGS.batchSize;
    invocations = executions * TASKS_PER_BATCH;
    const pipeRequests = executions * Math.ceil((PIPE_SETTINGS.batchSize * a.recordBytes) / (64 * 1024));
    source = gigabytes * (PRICES.kinesisOnDemandPerGbIn + PRICES.kinesisOnDemandPerGbOut) + (pipeRequests / MILLION) * PRICES.pipesPerMillionRequests;
  } else if (pipeline.workflow === 'firehose') {
    const perInvocation = Math.max(1, Math.floor((firehoseSettings(name, pipeline).sizeMb * 1024 * 1024) / a.recordBytes));
    executions = MILLION / perInvocation;
    invocations = executions * (TASKS_PER_BATCH + 1);
    // Firehose bills ingestion in 5 KB steps per record
    const billedGb = (MILLION * Math.ceil(a.recordBytes / 5120) * 5120) / GB;
    source = billedGb * PRICES.firehosePerGbIn;
  } else {
    executions = MILLION / a.objectRecords;
    const chunks = Math.ceil((a.objectRecords * a.recordBytes) / config.limits.chunkBytes);
    invocations = executions * (2 + chunks * (TASKS_PER_BATCH - 1));
    source = 0;
  }
  const express = (executions / MILLION) * PRICES.expressPerMillionRequests + executions * Math.ceil(a.executionSeconds * 10) / 10 * EXPRESS_GB * PRICES.expressPerGbSecond;
  const lambda = (invocations / MILLION) * PRICES.lambdaPerMillionRequests + invocations * (a.taskMs / 1000) * LAMBDA_GB * PRICES.lambdaArmPerGbSecond;
  return { pipeline: name, workflow: pipeline.workflow, executions, lambdaInvocations: invocations, express, lambda, source, total: express + lambda + source };
}

export function estimate(config: SluiceConfig, a: Assumptions = DEFAULT_ASSUMPTIONS): Estimate[] {
  return Object.entries(config.pipelines).map(([name, pipeline]) => estimatePipeline(name, pipeline, config, a));
}
