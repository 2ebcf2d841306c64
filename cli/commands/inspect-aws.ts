import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { loadConfigFile } from '../../config/load-file.ts';
import { deployedMachines, keptAt, ledgerRowReader } from '../../inspect/deployed-machines.ts';
import { LogGroupExecutions } from '../../inspect/log-group-executions.ts';
import { claimsFrom } from '../../local/execution-store.ts';
import { startInspector } from '../../local/inspector-server.ts';
import { awsReady, deployedResources, redriverFor } from '../../redrive/aws-redriver.ts';
import { redriveBatch } from '../../redrive/redrive-batch.ts';
import { CliError } from '../errors.ts';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 3h`: minutes, hours or days back. */
export function sinceMs(text: string): number {
  const match = /^(\d+)([mhd])$/.exec(text);
  if (!match || Number(match[1]) === 0) throw new CliError(`inspect: --since takes a time back such as 30m, 3h or 2d, got ${text}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export interface InspectAwsOptions {
  stack: string;
  since: string;
  port: number;
  region?: string;
  config?: string;
}

/**
 * sluice inspect --aws: a deployed stack's Express executions as the local inspector shows its own, read
 * from the state machines' log groups and joined to the ledger; redrive through the stack's state machines.
 */
export async function inspectAws(options: InspectAwsOptions): Promise<number> {
  const windowMs = sinceMs(options.since);
  // every client below (CloudFormation, Logs, the redriver's DynamoDB, S3, Step Functions) takes the region from here
  if (options.region) process.env.AWS_REGION = options.region;
  const cloudformation = new CloudFormationClient({});
  await awsReady(cloudformation, 'inspect --aws').catch((error: Error) => {
    throw new CliError(error.message);
  });
  const config = await loadConfigFile(options.config);
  const resources = await deployedResources(cloudformation, options.stack);
  const redriver = redriverFor(resources, config);
  const logs = new CloudWatchLogsClient({});
  const source = new LogGroupExecutions({
    send: (command) => logs.send(command),
    machines: deployedMachines(resources, config),
    windowMs,
    ledgerRow: ledgerRowReader(redriver.ctx),
    keptAt: keptAt(redriver.ctx),
    readClaim: claimsFrom(redriver.ctx),
  });
  const inspector = await startInspector({ store: source, pipelines: Object.keys(resources.stateMachines), redrive: (batchId) => redriveBatch(redriver, batchId) }, options.port);
  console.log(JSON.stringify({ inspect: inspector.url, stack: options.stack, since: options.since }));
  process.stderr.write(`sluice: the executions of stack ${options.stack} (last ${options.since}, from their log groups) at ${inspector.url} (Ctrl-C stops)\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await inspector.close();
  return 0;
}
