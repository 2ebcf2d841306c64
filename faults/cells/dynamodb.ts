import { CreateTableCommand, DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { KEY_ATTRIBUTE } from '../../contracts/sinks.ts';
import { drainStream, putRecords } from '../../local/sources/kinesis-pipe.ts';
import { configWith, openStack } from '../../test/e2e/harness.ts';
import { audit } from '../audit.ts';
import type { Cell } from '../cell.ts';
import { redriveAll, summary } from '../executions.ts';
import { taggedLines } from '../generate.ts';

const PIPELINE = 's3-events-to-archive';
const TABLE = 'sluice-events';

/**
 * S3 system: business events on the pipeline's Kinesis stream, read by the local Pipe in batches of 500
 * into DynamoDB (`sluice-events`) and the lake (`archive/`), while the table does not exist; then it is
 * created again (same key schema) and the ledger redriven.
 */
export const dynamodbCell: Cell = {
  name: 'dynamodb-unavailable-then-back',
  async run(records, progress) {
    const h = await openStack(configWith((config) => void (config.pipelines[PIPELINE]!.retryDurationSeconds = 10)));
    const { stack } = h;
    try {
      await stack.servers.dynamo.send(new DeleteTableCommand({ TableName: TABLE }));
      await putRecords(stack, PIPELINE, taggedLines(dynamodbCell.name, records));
      progress.phase('stack', `${records} events on the stream; table ${TABLE} deleted`);
      const results = await drainStream(stack, PIPELINE, 500);
      progress.phase('run', summary(results));
      await stack.servers.dynamo.send(
        new CreateTableCommand({
          TableName: TABLE,
          AttributeDefinitions: [{ AttributeName: KEY_ATTRIBUTE, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: KEY_ATTRIBUTE, KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      const { text } = await redriveAll(stack);
      progress.phase('redrive', `table back; ${text}`);
      // what a Pipe would do next: read on from its checkpoint (nothing left when every batch was acknowledged)
      const rest = await drainStream(stack, PIPELINE, 500);
      progress.phase('drain', summary(rest));
      const figures = await audit(stack, PIPELINE, dynamodbCell.name, records);
      progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
      return figures;
    } finally {
      await h.stop();
    }
  },
};
