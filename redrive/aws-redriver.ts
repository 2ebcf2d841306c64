import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SFNClient, StartExecutionCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import * as t from 'io-ts';
import type { WorkflowName } from '../contracts/batch.ts';
import type { SluiceConfig } from '../contracts/config.ts';
import { decodeOrThrow } from '../contracts/decode.ts';
import { BUCKET_ENV, DeploymentEnv } from '../contracts/deployment.ts';
import { withDeployment } from '../config/from-env.ts';
import type { Redriver } from './redrive.ts';
import { contextFromEnv } from '../tasks/shared/context.ts';

/** The stack output `SluiceResources`: what an operator's command needs to find on AWS. */
export const DeployedResources = t.intersection([
  t.type({
    ledgerTable: t.string,
    buckets: t.type({ raw: t.string, lake: t.string, backup: t.string, work: t.string }),
    stateMachines: t.record(t.string, t.string),
  }),
  // s3 pipeline -> its chunk state machine; absent from stacks deployed before inspect --aws listed chunks
  t.partial({ chunkStateMachines: t.record(t.string, t.string) }),
]);
export type DeployedResources = t.TypeOf<typeof DeployedResources>;

type Send = (command: object) => Promise<Record<string, unknown>>;

/**
 * Starts executions on AWS: the synchronous workflows (kinesis, firehose) with StartSyncExecution, as
 * their triggers do, the s3 workflow with StartExecution (its outcome lands in the ledger later).
 */
export function awsStarter(send: Send, stateMachines: Record<string, string>): Redriver['start'] {
  return async (workflow: WorkflowName, pipeline: string, input: unknown) => {
    const stateMachineArn = stateMachines[pipeline];
    if (!stateMachineArn) throw new Error(`the stack has no state machine for pipeline ${pipeline}`);
    const name = `redrive-${crypto.randomUUID()}`;
    if (workflow === 's3') {
      await send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
      return { status: 'STARTED' };
    }
    const result = await send(new StartSyncExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { status: String(result.status), ...(result.error ? { error: String(result.error) } : {}) };
  };
}

/**
 * Region and credentials, checked before the first call fails on them less clearly; `command` begins the
 * message (`redrive --aws`, `inspect --aws`).
 */
export async function awsReady(client: CloudFormationClient, command: string): Promise<void> {
  await client.config.region().catch(() => {
    throw new Error(`${command}: no AWS region: set AWS_REGION or give your AWS profile a region`);
  });
  await client.config.credentials().catch((error: Error) => {
    throw new Error(`${command}: no AWS credentials (${error.message.split('\n')[0]}): set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`);
  });
}

/** The stack's `SluiceResources` output, decoded. */
export async function deployedResources(cloudformation: CloudFormationClient, stackName: string): Promise<DeployedResources> {
  const stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
  const output = stack?.Outputs?.find((o) => o.OutputKey === 'SluiceResources')?.OutputValue;
  if (!output) throw new Error(`stack ${stackName} has no SluiceResources output: is it a sluice stack?`);
  return decodeOrThrow(DeployedResources, JSON.parse(output), `${stackName} SluiceResources`);
}

/** A redriver for a deployed stack's resources, clients from the default credentials. */
export function redriverFor(resources: DeployedResources, config: SluiceConfig): Redriver {
  const env = {
    SLUICE_CONFIG: JSON.stringify(config),
    [BUCKET_ENV.raw]: resources.buckets.raw,
    [BUCKET_ENV.lake]: resources.buckets.lake,
    [BUCKET_ENV.backup]: resources.buckets.backup,
    [BUCKET_ENV.work]: resources.buckets.work,
    [DeploymentEnv.ledgerTable]: resources.ledgerTable,
  };
  const ctx = { ...contextFromEnv(env), config: withDeployment(config, env) };
  const sfn = new SFNClient({});
  return { ctx, start: awsStarter((command) => sfn.send(command as never) as unknown as Promise<Record<string, unknown>>, resources.stateMachines) };
}

/** A redriver for a deployed stack: names from its `SluiceResources` output. */
export async function awsRedriver(stackName: string, config: SluiceConfig): Promise<Redriver> {
  const cloudformation = new CloudFormationClient({});
  await awsReady(cloudformation, 'redrive --aws');
  return redriverFor(await deployedResources(cloudformation, stackName), config);
}
