import { SFNClient } from '@aws-sdk/client-sfn';
import * as t from 'io-ts';
import { decodeOrThrow } from '../contracts/decode.ts';
import { contextFromEnv } from '../tasks/shared/context.ts';
import { awsStarter } from './aws-redriver.ts';
import { redrivable } from './redrivable.ts';
import { redrive, type Redriver, type RedriveOutcome } from './redrive.ts';

/** The deployment's state machines by pipeline, as the CDK app hands them to the sweep. */
const StateMachines = t.record(t.string, t.string);

/**
 * What the sweep starts again: Express executions emit no status events, so an execution that was killed
 * or timed out is found by its ledger row, still STARTED past the Express limit, and started again from
 * its kept input. FAILED and BACKED_UP batches wait for an operator's `sluice redrive --aws`: their
 * failure is known, and retrying it blindly would loop.
 */
export async function sweep(redriver: Redriver): Promise<{ unfinished: number; redriven: RedriveOutcome[] }> {
  const unfinished = (await redrivable(redriver.ctx)).filter((row) => row.status === 'STARTED');
  return { unfinished: unfinished.length, redriven: await redrive(redriver, unfinished) };
}

/** On AWS, every few minutes (an EventBridge schedule): the sweep, starting the deployment's state machines. */
export async function handler(): Promise<{ redriven: RedriveOutcome[] }> {
  const stateMachines = decodeOrThrow(StateMachines, JSON.parse(process.env.SLUICE_STATE_MACHINES ?? '{}'), 'SLUICE_STATE_MACHINES');
  const sfn = new SFNClient({});
  const start = awsStarter((command) => sfn.send(command as never) as unknown as Promise<Record<string, unknown>>, stateMachines);
  const result = await sweep({ ctx: contextFromEnv(), start });
  console.log(JSON.stringify(result));
  return { redriven: result.redriven };
}
