import { BatchWriteItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rec } from '../../contracts/batch.ts';
import { businessEvent, eventsBatch } from '../../local/samples.ts';
import { dynamoDbSink } from '../../tasks/deliver/sinks/dynamodb/index.ts';
import type { TaskContext } from '../../tasks/shared/context.ts';
import { openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const rec = (i: number, extra: Record<string, unknown> = {}): Rec => ({ id: `id-${i}`, unit: `u${i}`, data: { ...businessEvent(i), record_id: `id-${i}`, ...extra } });

describe('DynamoDB sink', () => {
  it('S3: the workflow writes one item per valid event, keyed by record id, and a retry writes the same items', async () => {
    const input = eventsBatch(30, 'shardId-000000000007');
    const first = await h.stack.run('kinesis', 's3-events-to-archive', input);
    await h.stack.run('kinesis', 's3-events-to-archive', input);
    expect(first.account!.outputs.dynamodb).toStrictEqual(['dynamodb://sluice-events']);
    const items = (await h.stack.ctx.ddb.send(new ScanCommand({ TableName: 'sluice-events' }))).Items!;
    expect(items).toHaveLength(30);
    const one = (await h.stack.ctx.ddb.send(new GetCommand({ TableName: 'sluice-events', Key: { record_id: items[0]!.record_id } }))).Item;
    expect(one).toMatchObject({ event_type: expect.any(String), payload: expect.any(Object), metadata: { stage: 'enriched' } });
  });

  it('isolates the item DynamoDB rejects (over 400 KB): only it fails, for good; the rest of its batch is written', async () => {
    const sink = dynamoDbSink({ type: 'dynamodb', table: 'sluice-events' }, h.stack.ctx);
    const records = [rec(100), rec(101, { blob: 'x'.repeat(450_000) }), rec(102)];
    const outcome = await sink.deliver(records, { batchId: 'test-batch', deadline: Date.now() + 60_000, now: Date.now });
    expect([...outcome.failed.keys()]).toStrictEqual(['id-101']);
    expect(outcome.failed.get('id-101')).toMatchObject({ code: 'DynamoDB.ItemTooLarge', retryable: false });
    const stored = await h.stack.ctx.ddb.send(new GetCommand({ TableName: 'sluice-events', Key: { record_id: 'id-102' } }));
    expect(stored.Item).toBeDefined();
  });

  it('fails retryably only the items BatchWriteItem left unprocessed (throttling, which only AWS does)', async () => {
    const sent: BatchWriteItemCommand[] = [];
    const ddb = {
      send: async (command: BatchWriteItemCommand) => {
        sent.push(command);
        const requests = command.input.RequestItems!.t!;
        return { UnprocessedItems: { t: requests.filter((r) => r.PutRequest!.Item!.record_id?.S === 'id-3') } };
      },
    };
    const sink = dynamoDbSink({ type: 'dynamodb', table: 't' }, { ddb } as unknown as TaskContext);
    const outcome = await sink.deliver(Array.from({ length: 30 }, (_, i) => rec(i)), { batchId: 'test-batch', deadline: Date.now() + 60_000, now: Date.now });
    expect(sent.map((c) => c.input.RequestItems!.t!.length)).toStrictEqual([25, 5]);
    expect([...outcome.failed.entries()]).toStrictEqual([['id-3', { code: 'DynamoDB.UnprocessedItems', message: 'left unprocessed by BatchWriteItem (throttled)', retryable: true }]]);
  });
});
