// Flips rows of a table with a status index between two statuses, 32 writes in flight, on a dynalite kept in a
// folder (with sluice's atomic index writes unless ATOMIC=0), until killed: test/local/dynalite-atomic-writes.test.ts
// kills it with SIGKILL.
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { atomicIndexWrites } from '../../local/dynalite-atomic-writes.ts';

if (process.env.ATOMIC !== '0') atomicIndexWrites();
const server = dynalite({ createTableMs: 0, path: process.argv[2] });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
await dynamo
  .send(
    new CreateTableCommand({
      TableName: 'ledger',
      AttributeDefinitions: ['batchId', 'status', 'at'].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
      KeySchema: [{ AttributeName: 'batchId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [{ IndexName: 'by-status', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } }],
    }),
  )
  .catch((error: Error) => {
    if (error.name !== 'ResourceInUseException') throw error;
  });
process.stdout.write('ready\n');
let write = 0;
await Promise.all(
  Array.from({ length: 32 }, async (_, lane) => {
    for (;;) {
      const n = write++;
      const status = n % 3 === 0 ? 'STARTED' : 'SUCCEEDED';
      await dynamo.send(new PutItemCommand({ TableName: 'ledger', Item: { batchId: { S: `b${lane}-${n % 7}` }, status: { S: status }, at: { S: String(n).padStart(9, '0') } } }));
    }
  }),
);
