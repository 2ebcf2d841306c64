import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { contextFromEnv, type TaskContext } from '../shared/context.ts';
import { bridge, type SyncExecution } from './index.ts';

const sfn = new SFNClient({});
let ctx: TaskContext | undefined;

const startSync = async (input: string): Promise<SyncExecution> => {
  const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: process.env.SLUICE_STATE_MACHINE_ARN, input }));
  return { status: result.status ?? 'FAILED', output: result.output, error: result.error, cause: result.cause };
};

export const handler = (event: unknown) => {
  ctx ??= contextFromEnv();
  return bridge(event, ctx, startSync);
};
