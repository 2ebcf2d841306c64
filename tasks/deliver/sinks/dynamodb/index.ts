import { BatchWriteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import type { DynamoDbSinkConfig } from '../../../../contracts/config.ts';
import { KEY_ATTRIBUTE } from '../../../../contracts/sinks.ts';
import type { TaskContext } from '../../../shared/context.ts';
import { failAll, sinkName, type Sink, type SinkOutcome } from '../sink.ts';
import { encodeItem, type Item } from './encoder.ts';
import { batches } from './request-builder.ts';
import { callError, UNPROCESSED } from './retry-logic.ts';

type Encoded = { record: Rec; item: Item };

/**
 * A DynamoDB table, one item per record keyed by record id, 25 per BatchWriteItem, written as attribute values
 * (encoder.ts: not through the document client's marshall, which takes a type from the data). A record DynamoDB
 * cannot hold fails alone before any call; items left unprocessed fail retryably (the workflow's loop
 * retries only them); a batch DynamoDB rejects as invalid is written item by item, so that only the
 * item at fault fails, for good.
 */
export function dynamoDbSink(config: DynamoDbSinkConfig, ctx: TaskContext): Sink {
  const { table } = config;
  const putOne = async ({ record, item }: Encoded, failed: Map<string, RecordError>) => {
    try {
      await ctx.ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    } catch (error) {
      failed.set(record.id, callError(error));
    }
  };
  return {
    name: sinkName(config),
    async deliver(records: Rec[]): Promise<SinkOutcome> {
      const failed = new Map<string, RecordError>();
      const encoded: Encoded[] = [];
      for (const record of records) {
        const result = encodeItem(record);
        if ('error' in result) failed.set(record.id, result.error);
        else encoded.push({ record, item: result.item });
      }
      for (const batch of batches(encoded)) {
        try {
          const result = await ctx.ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch.map(({ item }) => ({ PutRequest: { Item: item } })) } }));
          const unprocessed = new Set((result.UnprocessedItems?.[table] ?? []).map((request) => request.PutRequest?.Item?.[KEY_ATTRIBUTE]?.S));
          for (const { record } of batch) if (unprocessed.has(record.id)) failed.set(record.id, UNPROCESSED);
        } catch (error) {
          if ((error as Error).name === 'ValidationException') {
            for (const entry of batch) await putOne(entry, failed);
          } else {
            failAll(batch.map(({ record }) => record), callError(error), failed);
          }
        }
      }
      return { failed, outputs: failed.size < records.length ? [`dynamodb://${table}`] : [] };
    },
  };
}
