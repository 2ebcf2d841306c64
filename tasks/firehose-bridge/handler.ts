import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { lambdaHandler } from '../shared/lambda.ts';
import { bridge, type SyncExecution } from './index.ts';

const sfn = new SFNClient({});

const startSync = async (input: string): Promise<SyncExecution> => {
  const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: process.env.SLUICE_STATE_MACHINE_ARN, input }));
  return { status: result.status ?? 'FAILED', output: result.output, error: result.error, cause: result.cause };
};

export const handler = lambdaHandler((event: unknown, ctx) => bridge(event, ctx, startSync));
