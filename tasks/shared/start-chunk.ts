import { chunkMachineName } from '../../contracts/batch.ts';
import { DeploymentEnv } from '../../contracts/deployment.ts';
import type { DecodeChunk } from '../../contracts/tasks.ts';

/** Starts one chunk execution of an S3 object, asynchronously (its outcome reaches the object's ledger row). */
export type StartChunk = (chunk: DecodeChunk, name: string) => Promise<void>;


/**
 * StartExecution on AWS. The ARN is built from `SLUICE_STATE_MACHINE_ARN_PREFIX` (the account's
 * `arn:…:stateMachine:`), not passed per machine: the machines name this function, so it cannot name them.
 */
export function sfnStartChunk(env: NodeJS.ProcessEnv): StartChunk {
  let client: Promise<{ send: (arn: string, name: string, input: string) => Promise<void> }> | undefined;
  const connect = async () => {
    const { SFNClient, StartExecutionCommand } = await import('@aws-sdk/client-sfn');
    const sfn = new SFNClient({});
    return { send: async (stateMachineArn: string, name: string, input: string) => void (await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }))) };
  };
  return async (chunk, name) => {
    const prefix = env[DeploymentEnv.stateMachineArnPrefix];
    if (!prefix) throw new Error(`${DeploymentEnv.stateMachineArnPrefix} is not set: the chunk executions of an object cannot be started`);
    const { send } = await (client ??= connect());
    await send(`${prefix}${chunkMachineName(chunk.pipeline)}`, name, JSON.stringify(chunk));
  };
}
