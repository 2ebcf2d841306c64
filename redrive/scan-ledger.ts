import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskContext } from '../tasks/shared/context.ts';

export interface LedgerFilter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** Every ledger row the filter keeps, page by page. */
export async function* scanLedger(ctx: TaskContext, filter: LedgerFilter): AsyncGenerator<Record<string, unknown>> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.ddb.send(
      new ScanCommand({
        TableName: ctx.config.ledgerTable,
        FilterExpression: filter.expression,
        ExpressionAttributeNames: filter.names,
        // DynamoDB refuses an empty map
        ...(Object.keys(filter.values).length > 0 ? { ExpressionAttributeValues: filter.values } : {}),
        ExclusiveStartKey: start,
      }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}
