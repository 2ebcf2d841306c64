import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountStatus, WorkflowName } from '../contracts/batch.ts';
import { store } from '../tasks/shared/claim-check.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import { getBytes } from '../tasks/shared/s3-objects.ts';
import type { TraceEvent } from './engine.ts';
import type { LocalStack } from './stack.ts';

/** A batch the ledger says did not end cleanly, with the copy of its input a redrive starts from. */
export interface Redrivable {
  batchId: string;
  pipeline: string;
  workflow: WorkflowName;
  status: AccountStatus;
  inputKey: string;
  time: string;
  error?: { Error?: string; Cause?: string };
}

/** Where a redrive reads the ledger and backups (the task context), and how it starts an execution. */
export interface Redriver {
  ctx: TaskContext;
  start(workflow: WorkflowName, pipeline: string, input: unknown): Promise<{ status: string; error?: string }>;
}

export interface RedriveOutcome {
  batchId: string;
  pipeline: string;
  before: AccountStatus;
  /** How the new execution ended (STARTED for an asynchronous start). */
  execution: string;
  error?: string;
  /** The batch's ledger status after the new execution. */
  after: string;
}

/**
 * Ledger rows with status FAILED (the execution failed; its whole input is backed up) or BACKED_UP
 * (records were backed up after delivery kept failing) that point at an input. Chunk rows point at
 * none: their object's row does.
 */
export async function redrivable(ctx: TaskContext, filter: { pipeline?: string; batchId?: string } = {}): Promise<Redrivable[]> {
  const rows: Redrivable[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.ddb.send(
      new ScanCommand({
        TableName: ctx.config.ledgerTable,
        FilterExpression: '#status IN (:failed, :backedUp) AND attribute_exists(inputKey)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'FAILED', ':backedUp': 'BACKED_UP' },
        ExclusiveStartKey: start,
      }),
    );
    rows.push(...((page.Items ?? []) as Redrivable[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return rows
    .filter((row) => (filter.pipeline ? row.pipeline === filter.pipeline : true) && (filter.batchId ? row.batchId === filter.batchId : true))
    .sort((a, b) => a.time.localeCompare(b.time));
}

/**
 * Starts a new execution of each batch from its backed-up input. AWS cannot redrive Express executions;
 * sluice can because every sink writes by record id: what was delivered before is overwritten or answers
 * "already there", never duplicated. The new execution's account step rewrites the batch's ledger row,
 * which is read back to report where the batch stands now.
 */
export async function redrive(redriver: Redriver, batches: Redrivable[]): Promise<RedriveOutcome[]> {
  const { ctx } = redriver;
  const outcomes: RedriveOutcome[] = [];
  for (const batch of batches) {
    const input = JSON.parse(Buffer.from(await getBytes(ctx, ctx.config.buckets.backup, batch.inputKey)).toString('utf8')) as unknown;
    // a large Firehose request goes by claim check again, as the bridge would send it
    const payload = batch.workflow === 'firehose' ? await store(input, 0, batch.batchId, ctx) : input;
    const execution = await redriver.start(batch.workflow, batch.pipeline, payload);
    const row = await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: batch.batchId } }));
    outcomes.push({
      batchId: batch.batchId,
      pipeline: batch.pipeline,
      before: batch.status,
      execution: execution.status,
      ...(execution.error ? { error: execution.error } : {}),
      after: String(row.Item?.status ?? 'unknown'),
    });
  }
  return outcomes;
}

/** Redrive on the embedded stack: the ledger and backups of its data folder, executions on the local engine. */
export function localRedriver(stack: LocalStack, onEvent?: (event: TraceEvent) => void): Redriver {
  return {
    ctx: stack.ctx,
    start: async (workflow, pipeline, input) => {
      const result = await stack.run(workflow, pipeline, input, onEvent);
      return { status: result.status, ...(result.error ? { error: result.error } : {}) };
    },
  };
}
