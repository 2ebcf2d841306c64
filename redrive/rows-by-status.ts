import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { LEDGER_STATUS_INDEX } from '../contracts/ledger.ts';
import type { AccountStatus } from '../contracts/batch.ts';
import type { TaskContext } from '../tasks/shared/context.ts';

/** The ledger rows of one status, oldest first, through the status index (optionally only those before a time). */
export async function* rowsByStatus(ctx: TaskContext, status: AccountStatus, before?: string): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.ddb.send(
      new QueryCommand({
        TableName: ctx.config.ledgerTable,
        IndexName: LEDGER_STATUS_INDEX.name,
        KeyConditionExpression: before === undefined ? '#status = :status' : '#status = :status AND #time < :before',
        ExpressionAttributeNames: { '#status': LEDGER_STATUS_INDEX.partitionKey, ...(before === undefined ? {} : { '#time': LEDGER_STATUS_INDEX.sortKey }) },
        ExpressionAttributeValues: { ':status': status, ...(before === undefined ? {} : { ':before': before }) },
        ExclusiveStartKey: start,
      }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}
