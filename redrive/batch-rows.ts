import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskContext } from '../tasks/shared/context.ts';

/**
 * Every batch's ledger row, page by page (a Scan: for status sums and audits, not for a redrive, which
 * reads the indexes). The claims in the shard index sit beside them with no status, and are left out.
 */
export async function* batchRows(ctx: TaskContext): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.ddb.send(
      new ScanCommand({
        TableName: ctx.config.ledgerTable,
        FilterExpression: 'attribute_exists(#status)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExclusiveStartKey: start,
      }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}
