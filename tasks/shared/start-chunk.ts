import * as t from 'io-ts';
import { DeploymentEnv } from '../../contracts/deployment.ts';
import { decodeOrThrow } from '../../contracts/decode.ts';
import type { DecodeChunk } from '../../contracts/tasks.ts';

/** Starts one chunk execution of an S3 object, asynchronously (its outcome reaches the object's ledger row). */
export type StartChunk = (chunk: DecodeChunk, name: string) => Promise<void>;

/**
 * The chunk state machine of an s3 pipeline, from `SLUICE_CHUNK_STATE_MACHINES`: the CDK app writes the
 * ARNs of its own stack's machines there, as it names them (the machines name this function, so it
 * cannot reference them).
 */
export function chunkMachineArn(env: NodeJS.ProcessEnv, pipeline: string): string {
  const text = env[DeploymentEnv.chunkStateMachines];
  if (!text) throw new Error(`${DeploymentEnv.chunkStateMachines} is not set: the chunk executions of an object cannot be started`);
  const arn = decodeOrThrow(t.record(t.string, t.string), JSON.parse(text), DeploymentEnv.chunkStateMachines)[pipeline];
  if (!arn) throw new Error(`${DeploymentEnv.chunkStateMachines} has no chunk state machine for pipeline ${pipeline}`);
  return arn;
}

/** StartExecution on AWS. */
export function sfnStartChunk(env: NodeJS.ProcessEnv): StartChunk {
  let client: Promise<{ send: (arn: string, name: string, input: string) => Promise<void> }> | undefined;
  const connect = async () => {
    const { SFNClient, StartExecutionCommand } = await import('@aws-sdk/client-sfn');
    const sfn = new SFNClient({});
    return { send: async (stateMachineArn: string, name: string, input: string) => void (await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input }))) };
  };
  return async (chunk, name) => {
    const arn = chunkMachineArn(env, chunk.pipeline);
    const { send } = await (client ??= connect());
    await send(arn, name, JSON.stringify(chunk));
  };
}
