/**
 * An adversarial mix through the three workflows of the default pipelines, on the embedded stack.
 *
 *   npx tsx faults/adversarial.ts [--inputs 20000] [--seed 1] [--concurrency 3] [--no-probes] [--fan-out-records 300000]
 *
 * Source units come from the property tests' generators (test/properties/arbitraries.ts), packed into
 * Pipes batches (s3-events-to-archive, s4-events-raw), Firehose transformation requests
 * (s1-api-to-newrelic, transform mode) and S3 objects (s4-events-processed). The decode limits are the
 * property tests' (maxInflatedBytes 64 KiB, maxRecordBytes 8 KiB), so that their bombs and huge messages
 * are over them; chunks are 200 KB so that objects are cut into several. An execution that FAILED is the
 * defect hunted: its error and cause are printed and its input saved under dist/faults/failed-<n>.json.
 * Progress goes to stderr; stdout gets one `faults: adversarial …` line per workflow and a total.
 * Exit 0 when no execution failed, every batch balanced and the probe found no DynamoDB item stored with
 * other content than its event's and no record lost, else 1.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkConfig } from '../config/check.ts';
import type { WorkflowName } from '../contracts/batch.ts';
import { objectCreatedFor } from '../local/s3-events.ts';
import { startStack } from '../local/stack.ts';
import { asStarted } from '../local/trigger-input.ts';
import type { ExecutionResult } from '../local/engine.ts';
import { countLines } from '../tasks/decode/lines.ts';
import { testConfig } from '../test/properties/arbitraries.ts';
import { UnitSource } from './batches.ts';
import { probes, protoKeyProbe } from './probes.ts';
import { backupReasons } from './reasons.ts';

const { values: args } = parseArgs({
  options: {
    inputs: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '3' },
    'no-probes': { type: 'boolean', default: false },
    'fan-out-records': { type: 'string', default: '300000' },
    out: { type: 'string', default: 'dist/faults' },
  },
});
const INPUTS = Number(args.inputs);
const SEED = Number(args.seed);
const OUT = args.out!;

const config = checkConfig({ ...testConfig, limits: { ...testConfig.limits, chunkBytes: 200_000 } }, 'adversarial configuration');
const RAW_BUCKET = config.pipelines['s4-events-processed']!.trigger!.bucket;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** What one execution is given, and what it must account for. */
interface Job {
  workflow: WorkflowName;
  pipeline: string;
  input: unknown;
  units: number;
  label: string;
  /** S3 jobs: the object to put first. */
  object?: { key: string; body: Buffer };
}

/** The share of source units each pipeline gets. */
const PLAN: { workflow: WorkflowName; pipeline: string; share: number }[] = [
  { workflow: 'kinesis', pipeline: 's3-events-to-archive', share: 0.3 },
  { workflow: 'kinesis', pipeline: 's4-events-raw', share: 0.25 },
  { workflow: 'firehose', pipeline: 's1-api-to-newrelic', share: 0.2 },
  { workflow: 's3', pipeline: 's4-events-processed', share: 0.25 },
];

function* jobs(source: UnitSource): Generator<Job> {
  const left = PLAN.map((p) => Math.round(p.share * INPUTS));
  let n = 0;
  while (left.some((l) => l > 0)) {
    // the pipeline furthest from its share goes next: the workflows interleave
    const i = left.indexOf(Math.max(...left));
    const { workflow, pipeline } = PLAN[i]!;
    const label = `#${++n}`;
    if (workflow === 'kinesis') {
      const b = source.pipesBatch();
      left[i]! -= b.units;
      yield { workflow, pipeline, input: b.input, units: b.units, label };
    } else if (workflow === 'firehose') {
      const b = source.firehoseRequest();
      left[i]! -= b.units;
      yield { workflow, pipeline, input: b.input, units: b.units, label };
    } else {
      const { body } = source.objectLines();
      const key = `uploads/adversarial/seed-${SEED}/object-${n}.jsonl`;
      const units = countLines(body);
      left[i]! -= units;
      yield { workflow, pipeline, input: objectCreatedFor(RAW_BUCKET, key, body.length), units, label, object: { key, body } };
    }
  }
}

interface Totals {
  executions: number;
  failed: number;
  units: number;
  in: number;
  delivered: number;
  quarantined: number;
  dropped: number;
  backedUp: number;
  unbalanced: number;
}
const zero = (): Totals => ({ executions: 0, failed: 0, units: 0, in: 0, delivered: 0, quarantined: 0, dropped: 0, backedUp: 0, unbalanced: 0 });
const totals = new Map<WorkflowName, Totals>((['kinesis', 'firehose', 's3'] as const).map((w) => [w, zero()]));
const failures: string[] = [];

/** Problems with a SUCCEEDED execution: the batch does not balance, or a unit went unanswered. */
function problemsOf(job: Job, result: ExecutionResult): string[] {
  const problems: string[] = [];
  const c = result.account?.counts;
  if (!c) return ['no account step output'];
  if (c.in !== c.delivered + c.quarantined + c.dropped + c.backedUp) problems.push(`in=${c.in} != delivered+quarantined+dropped+backedUp`);
  if (c.failed + c.pending > 0) problems.push(`failed=${c.failed} pending=${c.pending} left`);
  // a line is one outcome at least (a JSON array or a CloudWatch payload on one line is several)
  if (job.workflow === 's3' && c.in < job.units) problems.push(`the object has ${job.units} lines but in=${c.in}`);
  if (job.workflow === 'kinesis') {
    const failuresOut = (result.output as { batchItemFailures?: unknown[] })?.batchItemFailures;
    if (!Array.isArray(failuresOut) || failuresOut.length > 0) problems.push(`batchItemFailures=${JSON.stringify(failuresOut)?.slice(0, 200)}`);
  }
  if (job.workflow === 'firehose') {
    const ids = (job.input as { records: { recordId: string }[] }).records.map((r) => r.recordId);
    const answered = ((result.output as { records?: { recordId: string }[] })?.records ?? []).map((r) => r.recordId);
    if (JSON.stringify(ids) !== JSON.stringify(answered)) problems.push(`the response answers ${answered.length} of ${ids.length} recordIds (or not in order)`);
  }
  return problems;
}

async function record(job: Job, result: ExecutionResult): Promise<void> {
  const t = totals.get(job.workflow)!;
  t.executions++;
  t.units += job.units;
  if (result.status === 'FAILED') {
    t.failed++;
    const n = failures.length + 1;
    const file = `${OUT}/failed-${n}.json`;
    failures.push(`${job.label} ${job.workflow}/${job.pipeline}: ${result.error}: ${(result.cause ?? '').slice(0, 400)} -> ${file}`);
    log(`faults: FAILED ${job.label} workflow=${job.workflow} pipeline=${job.pipeline} error=${result.error} cause=${(result.cause ?? '').slice(0, 400)}`);
    const saved = { workflow: job.workflow, pipeline: job.pipeline, error: result.error, cause: result.cause, input: job.input, ...(job.object ? { object: { key: job.object.key, base64: job.object.body.toString('base64') } } : {}) };
    await writeFile(file, JSON.stringify(saved));
    return;
  }
  const c = result.account!.counts;
  t.in += c.in;
  t.delivered += c.delivered;
  t.quarantined += c.quarantined;
  t.dropped += c.dropped;
  t.backedUp += c.backedUp;
  const problems = problemsOf(job, result);
  if (problems.length > 0) {
    t.unbalanced++;
    log(`faults: UNBALANCED ${job.label} workflow=${job.workflow} pipeline=${job.pipeline}: ${problems.join('; ')}`);
  }
}

const line = (t: Totals) => `in=${t.in} delivered=${t.delivered} quarantined=${t.quarantined} dropped=${t.dropped} backedUp=${t.backedUp} units=${t.units} unbalanced=${t.unbalanced}`;

async function main(): Promise<number> {
  const started = Date.now();
  let corrupted = 0;
  await mkdir(OUT, { recursive: true });
  // inputs saved by an earlier run of this script would be taken for this run's
  for (const file of await readdir(OUT)) if (/^failed-\d+\.json$/.test(file)) await rm(`${OUT}/${file}`);
  log(`faults: adversarial seed=${SEED} inputs=${INPUTS} limits=${JSON.stringify(config.limits)}`);
  const stack = await startStack(config, { skipWaits: true });
  try {
    const run = async (job: Job) => {
      if (job.object) await stack.servers.s3.send(new PutObjectCommand({ Bucket: RAW_BUCKET, Key: job.object.key, Body: job.object.body }));
      await record(job, await stack.run(job.workflow, job.pipeline, await asStarted(job.workflow, job.input, stack.ctx)));
    };
    const queue = jobs(new UnitSource(SEED));
    let done = 0;
    let last = 0;
    const worker = async () => {
      for (let next = queue.next(); !next.done; next = queue.next()) {
        await run(next.value);
        done++;
        if (Date.now() - last > 5_000) {
          last = Date.now();
          const units = [...totals.values()].reduce((s, t) => s + t.units, 0);
          log(`faults: ${done} executions, ${units}/${INPUTS} units, ${Math.round((Date.now() - started) / 1000)} s, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB`);
        }
      }
    };
    await Promise.all(Array.from({ length: Number(args.concurrency) }, worker));
    if (!args['no-probes']) {
      for (const probe of probes(config.limits, Number(args['fan-out-records']))) {
        log(`faults: probe ${probe.name}: ${probe.what}`);
        const t0 = Date.now();
        const job: Job = { workflow: 'kinesis', pipeline: 's3-events-to-archive', input: probe.input, units: probe.input.length, label: `probe:${probe.name}` };
        await run(job);
        log(`faults: probe ${probe.name} took ${Math.round((Date.now() - t0) / 1000)} s`);
      }
    }
    if (!args['no-probes']) {
      const { counts, findings } = await protoKeyProbe(stack);
      corrupted = findings.filter((finding) => finding.outcome === 'CORRUPTED' || finding.outcome === 'LOST').length;
      log(`faults: probe proto-keys-in-dynamodb: counts ${JSON.stringify(counts)}; ${findings.map((f) => `${f.what}: ${f.outcome}${f.detail ? ` (${f.detail})` : ''}`).join('; ')}`);
    }
    const reasons = await backupReasons(stack.servers.s3, config.buckets.backup);
    log(`faults: backup bucket, records by reason: ${Object.entries(reasons).map(([r, n]) => `${r}=${n}`).join(' ')}`);
  } finally {
    await stack.stop();
  }
  let failed = 0;
  let executions = 0;
  let unbalanced = 0;
  for (const [workflow, t] of totals) {
    console.log(`faults: adversarial workflow=${workflow} executions=${t.executions} failed=${t.failed} ${line(t)}`);
    failed += t.failed;
    executions += t.executions;
    unbalanced += t.unbalanced;
  }
  console.log(`faults: adversarial executions=${executions} failed=${failed}${args['no-probes'] ? '' : ` corruptedOrLost=${corrupted}`}`);
  for (const failure of failures) log(`faults: failed ${failure}`);
  log(`faults: ${Math.round((Date.now() - started) / 1000)} s, peak rss ${Math.round(process.resourceUsage().maxRSS / 1000)} MB`);
  return failed === 0 && unbalanced === 0 && corrupted === 0 ? 0 : 1;
}

process.exitCode = await main();
