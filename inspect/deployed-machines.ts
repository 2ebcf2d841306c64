import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SluiceConfig } from '../contracts/config.ts';
import { decodeOrThrow } from '../contracts/decode.ts';
import { executionLogGroupName } from '../contracts/deployment.ts';
import { LedgerRow } from '../contracts/ledger.ts';
import type { DeployedResources } from '../redrive/aws-redriver.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import type { LoggedMachine } from './log-group-executions.ts';

/** The stack's state machines with their log groups; a pipeline the configuration does not know is an error, not skipped. */
export function deployedMachines(resources: DeployedResources, config: SluiceConfig): LoggedMachine[] {
  const machine = (pipeline: string, arn: string, chunks: boolean): LoggedMachine => {
    const workflow = config.pipelines[pipeline]?.workflow;
    if (!workflow) throw new Error(`the stack has a pipeline "${pipeline}" that the configuration lacks: give the stack's own with --config`);
    return { pipeline, workflow: chunks ? 's3-chunk' : workflow, logGroupName: executionLogGroupName(arn.split(':').pop()!) };
  };
  return [
    ...Object.entries(resources.stateMachines).map(([pipeline, arn]) => machine(pipeline, arn, false)),
    ...Object.entries(resources.chunkStateMachines ?? {}).map(([pipeline, arn]) => machine(pipeline, arn, true)),
  ];
}

/** A batch's ledger row, read directly by its key. */
export const ledgerRowReader =
  (ctx: TaskContext) =>
  async (batchId: string): Promise<LedgerRow | undefined> => {
    const { Item } = await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId } }));
    return Item === undefined ? undefined : decodeOrThrow(LedgerRow, Item, `ledger row ${batchId}`);
  };

/** Where a row keeps its batch's input, written as the backup step writes it. */
export const keptAt =
  (ctx: TaskContext) =>
  (row: LedgerRow): string | undefined =>
    row.inputKey !== undefined ? `s3://${ctx.config.buckets.backup}/${row.inputKey}` : row.input !== undefined ? `ledger://${ctx.config.ledgerTable}/${row.batchId}` : undefined;
