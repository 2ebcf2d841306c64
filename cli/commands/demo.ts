import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkflowName } from '../../contracts/batch.ts';
import { loadConfigFile } from '../../config/load-file.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { inspectorHtml } from '../../local/inspector.ts';
import { eventsBatch, s0Request, s1Request, s2Batch } from '../../local/samples.ts';
import { drainStream, putRecords } from '../../local/sources/kinesis-pipe.ts';
import { startStack, type LocalStack } from '../../local/stack.ts';
import type { PipesKinesisBatch } from '../../contracts/pipes-kinesis.ts';
import { pipeSettings } from '../../contracts/pipe-settings.ts';
import { disabledSinks } from '../../tasks/deliver/sinks/disabled-sinks.ts';
import { parse } from '../args.ts';
import { table } from '../table.ts';
import { summary } from './run.ts';

interface SystemRun {
  system: string;
  title: string;
  pipeline: string;
  workflow: WorkflowName;
  input: () => unknown;
}

/** The five seed systems of the design, each with a sample of what its trigger delivers. */
const SYSTEMS: SystemRun[] = [
  { system: 'S0', title: 'CloudWatch Logs -> Firehose -> OpenSearch (streaming buffer)', pipeline: 's0-logs-to-opensearch', workflow: 'firehose', input: () => s0Request() },
  { system: 'S1', title: 'API -> Firehose transform -> New Relic, failures to S3', pipeline: 's1-api-to-newrelic', workflow: 'firehose', input: () => s1Request() },
  { system: 'S2', title: 'IoT telemetry -> Kinesis -> S3 lake in Parquet (Hive partitions)', pipeline: 's2-telemetry-to-lake', workflow: 'kinesis', input: () => s2Batch() },
  { system: 'S3', title: 'API events -> Kinesis -> rules, quarantine -> DynamoDB + S3 archive', pipeline: 's3-events-to-archive', workflow: 'kinesis', input: () => eventsBatch(12, 'shardId-000000000001') },
  { system: 'S4', title: 'Producer -> Kinesis -> raw JSONL -> S3 event -> enrich -> processed', pipeline: 's4-events-raw', workflow: 'kinesis', input: () => eventsBatch(40, 'shardId-000000000002') },
];

const short = (places: string[]) => (places.length <= 3 ? places : [...places.slice(0, 3), `… and ${places.length - 3} more`]);

const INSPECT_DIR = 'dist/inspect';

async function describe(result: ExecutionResult, notes: string[]): Promise<string> {
  const s = summary(result);
  const page = join(INSPECT_DIR, `${result.executionArn.split(':').pop()}.html`);
  await writeFile(page, await inspectorHtml(result));
  const lines = [`  status ${s.status}${s.error ? ` (${s.error}: ${s.cause})` : ''}  ·  ${result.durationMs} ms  ·  ${page}`];
  for (const [sink, places] of Object.entries(s.outputs)) for (const place of short(places)) lines.push(`  ${sink.padEnd(18)} ${place}`);
  for (const note of notes) lines.push(`  ${note}`);
  return lines.join('\n');
}

/**
 * Kinesis systems go the way they would on AWS: a producer puts the records on the pipeline's stream
 * (kinesalite) and a Pipe reads them in batches into the workflow; Firehose requests go straight in.
 */
async function runSystem(stack: LocalStack, run: SystemRun): Promise<ExecutionResult[]> {
  if (run.workflow !== 'kinesis') return [await stack.run(run.workflow, run.pipeline, run.input())];
  const batch = run.input() as PipesKinesisBatch;
  await putRecords(stack, run.pipeline, batch.map((record) => Buffer.from(record.data, 'base64')));
  return drainStream(stack, run.pipeline, pipeSettings(stack.config.pipelines[run.pipeline]!).batchSize);
}

/** sluice demo (npm start): a sample of each of the five systems through its workflow, on the embedded stack. */
export async function demoCommand(argv: string[]): Promise<number> {
  parse('demo', argv, {});
  const config = await loadConfigFile(undefined);
  process.stderr.write('sluice: starting the embedded stack (s3rver, dynalite, kinesalite, aws-local-stepfunctions)\n');
  const stack = await startStack(config, { skipWaits: true, routeObjectEvents: true });
  const rows: (string | number)[][] = [];
  let failed = 0;
  // this run's pages only
  await rm(INSPECT_DIR, { recursive: true, force: true });
  await mkdir(INSPECT_DIR, { recursive: true });
  const record = async (system: string, results: ExecutionResult[], notes: string[] = []) => {
    const sum = (field: 'in' | 'delivered' | 'quarantined' | 'dropped' | 'backedUp') =>
      results.reduce((total, result) => total + (result.account?.counts[field] ?? 0), 0);
    const status = results.every((result) => result.status === 'SUCCEEDED') ? 'SUCCEEDED' : 'FAILED';
    const first = results[0]!;
    rows.push([system, first.pipeline, first.workflow, status, sum('in'), sum('delivered'), sum('quarantined'), sum('dropped'), sum('backedUp')]);
    if (status !== 'SUCCEEDED') failed++;
    for (const result of results) console.log(await describe(result, notes));
  };
  try {
    for (const run of SYSTEMS) {
      console.log(`\n${run.system}  ${run.title}\n  pipeline ${run.pipeline} (${run.workflow} workflow)`);
      const notes = disabledSinks(config.pipelines[run.pipeline]!).map((sink) => `${sink.name.padEnd(18)} not delivered: ${sink.disabled}`);
      await record(run.system, await runSystem(stack, run), notes);
      const triggered = await stack.settle();
      if (triggered.length > 0) {
        console.log(`  -> ${triggered.length} new raw objects started the s3 workflow, pipeline ${triggered[0]!.pipeline}`);
        await record(`${run.system}b`, triggered);
      }
    }
    console.log(`\n${table(['system', 'pipeline', 'workflow', 'status', 'in', 'delivered', 'quarantined', 'dropped', 'backedUp'], rows)}`);
    console.log('\nEvery record is delivered, quarantined (with its reason, in the backup bucket), dropped by a rule, or backed up.');
    console.log(`Each execution, state by state, with its inputs and outputs: open the pages in ${INSPECT_DIR}/.`);
    return failed === 0 ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
