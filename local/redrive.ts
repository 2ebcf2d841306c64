import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountStatus, WorkflowName } from '../contracts/batch.ts';
import { store } from '../tasks/shared/claim-check.ts';
import { getBytes } from '../tasks/shared/s3-objects.ts';
import type { ExecutionResult, TraceEvent } from './engine.ts';
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

export interface RedriveOutcome {
  batchId: string;
  pipeline: string;
  before: AccountStatus;
  after: string;
  result: ExecutionResult;
}

const isChunk = (batchId: string) => /\.chunk-\d+$/.test(batchId);

/**
 * Ledger rows with status FAILED (the execution failed; its whole input is backed up) or BACKED_UP
 * (records were backed up after delivery kept failing). Chunk rows are left to their object's row.
 */
export async function redrivable(stack: LocalStack, filter: { pipeline?: string; batchId?: string } = {}): Promise<Redrivable[]> {
  const rows: Redrivable[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await stack.ctx.ddb.send(
      new ScanCommand({
        TableName: stack.config.ledgerTable,
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
    .filter((row) => !isChunk(row.batchId))
    .filter((row) => (filter.pipeline ? row.pipeline === filter.pipeline : true) && (filter.batchId ? row.batchId === filter.batchId : true))
    .sort((a, b) => a.time.localeCompare(b.time));
}

/**
 * Starts a new execution of each batch from its backed-up input. AWS cannot redrive Express executions;
 * sluice can because every sink writes by record id: what was delivered before is overwritten or answers
 * "already there", never duplicated. The new execution's account step rewrites the batch's ledger row.
 */
export async function redrive(stack: LocalStack, batches: Redrivable[], onEvent?: (event: TraceEvent) => void): Promise<RedriveOutcome[]> {
  const outcomes: RedriveOutcome[] = [];
  for (const batch of batches) {
    const input = JSON.parse(Buffer.from(await getBytes(stack.ctx, stack.config.buckets.backup, batch.inputKey)).toString('utf8')) as unknown;
    // a large Firehose request goes by claim check again, as the bridge would send it
    const payload = batch.workflow === 'firehose' ? await store(input, 0, batch.batchId, stack.ctx) : input;
    const result = await stack.run(batch.workflow, batch.pipeline, payload, onEvent);
    outcomes.push({ batchId: batch.batchId, pipeline: batch.pipeline, before: batch.status, after: result.account?.status ?? result.status, result });
  }
  return outcomes;
}
