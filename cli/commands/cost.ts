import { loadConfigFile } from '../../config/load-file.ts';
import { DEFAULT_ASSUMPTIONS, estimate, PRICES, type Assumptions } from '../../cost/estimate.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';
import { table } from '../table.ts';

const number = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`cost: --${name} takes a positive number (got ${value})`);
  return n;
};

/** sluice cost: the AWS cost of one million records per pipeline, from the configuration and stated prices. */
export async function costCommand(argv: string[]): Promise<number> {
  const { values } = parse('cost', argv, {
    config: { type: 'string' },
    'record-bytes': { type: 'string' },
    'execution-seconds': { type: 'string' },
    'task-ms': { type: 'string' },
    'object-records': { type: 'string' },
  });
  const a: Assumptions = {
    recordBytes: number('record-bytes', values['record-bytes'], DEFAULT_ASSUMPTIONS.recordBytes),
    executionSeconds: number('execution-seconds', values['execution-seconds'], DEFAULT_ASSUMPTIONS.executionSeconds),
    taskMs: number('task-ms', values['task-ms'], DEFAULT_ASSUMPTIONS.taskMs),
    objectRecords: number('object-records', values['object-records'], DEFAULT_ASSUMPTIONS.objectRecords),
  };
  const config = await loadConfigFile(values.config);
  const usd = (n: number) => `$${n.toFixed(3)}`;
  const rows = estimate(config, a).map((e) => [e.pipeline, e.workflow, Math.round(e.executions), Math.round(e.lambdaInvocations), usd(e.express), usd(e.lambda), usd(e.source), usd(e.total)]);
  console.log(`Cost of 1,000,000 records of ${a.recordBytes} bytes per pipeline (us-east-1, USD):\n`);
  console.log(table(['pipeline', 'workflow', 'executions', 'lambda calls', 'express', 'lambda', 'kinesis/firehose', 'total'], rows));
  console.log(`\nassumes ${a.executionSeconds} s per execution (64 MB), ${a.taskMs} ms per task call (1 GB arm64), ${a.objectRecords} records per S3 object;`);
  console.log(`prices: ${Object.entries(PRICES).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  console.log('not included: S3 requests and storage, DynamoDB writes, CloudWatch Logs ingestion (logging ALL), stream-hours.');
  return 0;
}
