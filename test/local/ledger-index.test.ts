import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { startServers } from '../../local/servers.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const dir = mkdtempSync(join(tmpdir(), 'sluice-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the local ledger table', () => {
  it('has the indexes redrive and decode read; a data folder kept from before one of them gets it on the next start, its rows kept', async () => {
    const indexes = async (servers: Awaited<ReturnType<typeof startServers>>) =>
      ((await servers.dynamo.send(new DescribeTableCommand({ TableName: defaultConfig.ledgerTable }))).Table?.GlobalSecondaryIndexes ?? []).map((gsi) => [gsi.IndexName, gsi.IndexStatus]);
    const first = await startServers(defaultConfig, dir);
    expect(await indexes(first)).toStrictEqual([['byStatus', 'ACTIVE'], ['byShard', 'ACTIVE']]);
    // the table as an older sluice made it: the status index only
    await first.dynamo.send(new DeleteTableCommand({ TableName: defaultConfig.ledgerTable }));
    while (await first.dynamo.send(new DescribeTableCommand({ TableName: defaultConfig.ledgerTable })).then(() => true, () => false)) await sleep(20);
    await first.dynamo.send(
      new CreateTableCommand({
        TableName: defaultConfig.ledgerTable,
        AttributeDefinitions: ['batchId', 'status', 'time'].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
        KeySchema: [{ AttributeName: 'batchId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [{ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'time', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
      }),
    );
    while ((await first.dynamo.send(new DescribeTableCommand({ TableName: defaultConfig.ledgerTable }))).Table?.TableStatus !== 'ACTIVE') await sleep(20);
    await first.dynamo.send(new PutItemCommand({ TableName: defaultConfig.ledgerTable, Item: { batchId: { S: 'b-1' }, status: { S: 'FAILED' }, time: { S: '2026-11-23T00:00:00Z' } } }));
    await first.stop();
    const second = await startServers(defaultConfig, dir);
    expect(await indexes(second)).toStrictEqual([['byStatus', 'ACTIVE'], ['byShard', 'ACTIVE']]);
    // the rows came along, and the index finds them
    const found = await second.dynamo.send(new QueryCommand({ TableName: defaultConfig.ledgerTable, IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'FAILED' } } }));
    expect(found.Items?.map((item) => item.batchId?.S)).toStrictEqual(['b-1']);
    await second.stop();
  });
});
