import { loadConfigFile } from '../../config/load-file.ts';
import { DEFAULT_ASSUMPTIONS, estimate, PRICES, type Assumptions } from '../../cost/estimate.ts';
import { LogLevel } from '../../contracts/config.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';
import { table } from '../table.ts';

const number = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`cost: --${name} takes a positive number (got ${value})`);
  return n;
};

/** Seed S3's own estimate: about $264 a month for about 26 million events. */
const SEED_S3_PER_MILLION = 264 / 26;
/** The target for orchestration plus compute (Express + Lambda) per million 1 KB records, at production settings. */
const TARGET_PER_MILLION = 0.05;

/** sluice cost: the AWS cost of one million records per pipeline, from the configuration and stated prices. */
export async function costCommand(argv: string[]): Promise<number> {
  const { values } = parse('cost', argv, {
    config: { type: 'string' },
    'record-bytes': { type: 'string' },
    'execution-seconds': { type: 'string' },
    'task-ms': { type: 'string' },
    'object-records': { type: 'string' },
    'log-level': { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  const logLevel = values['log-level']?.toUpperCase();
  if (logLevel !== undefined && !LogLevel.is(logLevel)) throw new CliError(`cost: --log-level takes ALL, ERROR, FATAL or OFF (got ${values['log-level']})`);
  const a: Assumptions = {
    ...DEFAULT_ASSUMPTIONS,
    recordBytes: number('record-bytes', values['record-bytes'], DEFAULT_ASSUMPTIONS.recordBytes),
    executionSeconds: number('execution-seconds', values['execution-seconds'], DEFAULT_ASSUMPTIONS.executionSeconds),
    taskMs: number('task-ms', values['task-ms'], DEFAULT_ASSUMPTIONS.taskMs),
    objectRecords: number('object-records', values['object-records'], DEFAULT_ASSUMPTIONS.objectRecords),
    ...(logLevel ? { logLevel } : {}),
  };
  const config = await loadConfigFile(values.config);
  const usd = (n: number) => `$${n.toFixed(3)}`;
  const estimates = estimate(config, a);
  if (values.json) {
    console.log(JSON.stringify({ assumptions: a, prices: PRICES, pipelines: estimates }));
    return 0;
  }
  const rows = estimates.map((e) => [e.pipeline, e.workflow, Math.round(e.executions), Math.round(e.lambdaInvocations), usd(e.express), usd(e.lambda), usd(e.logs), usd(e.s3), usd(e.dynamodb), usd(e.source), usd(e.total)]);
  console.log(`Cost of 1,000,000 records of ${a.recordBytes} bytes per pipeline (us-east-1, USD), logs at ${logLevel ?? "each pipeline's logLevel"}:\n`);
  console.log(table(['pipeline', 'workflow', 'executions', 'lambda calls', 'express', 'lambda', 'logs', 's3', 'dynamodb', 'kinesis/firehose', 'total'], rows));
  console.log(`\nassumes ${a.executionSeconds} s per execution (64 MB), ${a.taskMs} ms per task call (1 GB arm64), ${a.objectRecords} records per S3 object, ${a.partitionsPerBatch} lake objects per batch, ${a.failureRate * 100} % of executions failing or backing records up (those run the backup task too); a Pipes batch cut to what fits 262,144 characters;`);
  console.log('CloudWatch Logs bytes per execution measured on the local engine at level ALL with execution data (cost/log-bytes.ts);');
  console.log(`prices: ${Object.entries(PRICES).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  const orchestration = Math.max(...estimates.map((e) => e.express + e.lambda));
  const verdict = orchestration <= TARGET_PER_MILLION ? 'met' : `missed by ${(orchestration / TARGET_PER_MILLION).toFixed(1)}x`;
  console.log(`orchestration + compute (express + lambda), the dearest pipeline: ${usd(orchestration)} per million against a target of ${usd(TARGET_PER_MILLION)}: ${verdict};`);
  console.log(`all in, the dearest pipeline: ${usd(Math.max(...estimates.map((e) => e.total)))} per million; seed S3's own estimate: ${usd(SEED_S3_PER_MILLION)} per million ($264/month for ~26M events).`);
  console.log('not included: S3 storage, Kinesis stream-hours (on-demand), data transfer.');
  return 0;
}
