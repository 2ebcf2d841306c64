import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import type { DynamoDbSinkConfig } from '../../../../contracts/config.ts';
import type { TaskContext } from '../../../shared/context.ts';
import { failAll, sinkName, type Sink, type SinkOutcome } from '../sink.ts';
import { batches, itemOf, KEY_ATTRIBUTE } from './request-builder.ts';
import { callError, UNPROCESSED } from './retry-logic.ts';

/**
 * A DynamoDB table, one item per record keyed by record id, 25 per BatchWriteItem. Items DynamoDB leaves
 * unprocessed fail retryably (the workflow's loop retries only them); a batch DynamoDB rejects as invalid
 * is written item by item, so that only the item at fault fails, for good.
 */
export function dynamoDbSink(config: DynamoDbSinkConfig, ctx: TaskContext): Sink {
  const { table } = config;
  const putOne = async (record: Rec, failed: Map<string, RecordError>) => {
    try {
      await ctx.ddb.send(new PutCommand({ TableName: table, Item: itemOf(record) }));
    } catch (error) {
      failed.set(record.id, callError(error));
    }
  };
  return {
    name: sinkName(config),
    async deliver(records: Rec[]): Promise<SinkOutcome> {
      const failed = new Map<string, RecordError>();
      for (const batch of batches(records)) {
        try {
          const result = await ctx.ddb.send(new BatchWriteCommand({ RequestItems: { [table]: batch.map((record) => ({ PutRequest: { Item: itemOf(record) } })) } }));
          const unprocessed = new Set((result.UnprocessedItems?.[table] ?? []).map((request) => String(request.PutRequest?.Item?.[KEY_ATTRIBUTE])));
          for (const record of batch) if (unprocessed.has(record.id)) failed.set(record.id, UNPROCESSED);
        } catch (error) {
          if ((error as Error).name === 'ValidationException') {
            for (const record of batch) await putOne(record, failed);
          } else {
            failAll(batch, callError(error), failed);
          }
        }
      }
      return { failed, outputs: failed.size < records.length ? [`dynamodb://${table}`] : [] };
    },
  };
}
