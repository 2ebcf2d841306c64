import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { availableParallelism } from 'node:os';
import { LEDGER_SHARD_INDEX } from '../contracts/ledger.ts';
import type { LocalStack } from '../local/stack.ts';

/** The size of the objects the cost of an S3 request is measured with: about a staged lake object of a Pipes batch of 500. */
export const OBJECT_BYTES = 30_000;
const REQUESTS = 400;
const AT_ONCE = 8;

/**
 * One request of each operation the tasks send, against the stack's own servers; `n` makes each its own item or
 * object. A delete has its own object or item to delete, put beforehand (the tasks never delete what is not there).
 */
function senders(stack: LocalStack): Record<string, { send: (n: number) => Promise<unknown>; before?: (n: number) => Promise<unknown> }> {
  const bucket = stack.config.buckets.work;
  const table = stack.config.ledgerTable;
  const body = 'x'.repeat(OBJECT_BYTES);
  const key = (n: number) => `bench-requests/${n % 100}.json`;
  const item = (n: number) => ({ batchId: `bench-requests-${n % 100}` });
  const shardKey = (n: number) => `bench-requests/shard-${n % 4}`;
  return {
    's3.PutObject': { send: (n) => stack.ctx.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key(n), Body: body })) },
    's3.CopyObject': { send: (n) => stack.ctx.s3.send(new CopyObjectCommand({ Bucket: bucket, Key: `${key(n)}.copy`, CopySource: `${bucket}/${key(n)}` })) },
    's3.GetObject': { send: (n) => stack.ctx.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key(n) })).then((got) => got.Body!.transformToByteArray()) },
    's3.HeadObject': { send: (n) => stack.ctx.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key(n) })) },
    's3.DeleteObject': {
      before: (n) => stack.ctx.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `bench-requests/deleted/${n}`, Body: body })),
      send: (n) => stack.ctx.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: `bench-requests/deleted/${n}` })),
    },
    'dynamodb.PutItem': { send: (n) => stack.ctx.ddb.send(new PutCommand({ TableName: table, Item: { ...item(n), status: 'STARTED', n } })) },
    'dynamodb.UpdateItem': { send: (n) => stack.ctx.ddb.send(new UpdateCommand({ TableName: table, Key: item(n), UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': n } })) },
    'dynamodb.GetItem': { send: (n) => stack.ctx.ddb.send(new GetCommand({ TableName: table, Key: item(n) })) },
    // as the tasks read a shard's claims: on the ledger's shard index, two claims a shard
    'dynamodb.Query': {
      before: (n) => (n % 240 < 4 ? stack.ctx.ddb.send(new PutCommand({ TableName: table, Item: { batchId: `bench-requests-claim-${n}`, [LEDGER_SHARD_INDEX.partitionKey]: shardKey(n), [LEDGER_SHARD_INDEX.sortKey]: `${n}`.padStart(12, '0') } })) : Promise.resolve()),
      send: (n) =>
        stack.ctx.ddb.send(
          new QueryCommand({
            TableName: table,
            IndexName: LEDGER_SHARD_INDEX.name,
            KeyConditionExpression: '#key = :key AND #end >= :first',
            ExpressionAttributeNames: { '#key': LEDGER_SHARD_INDEX.partitionKey, '#end': LEDGER_SHARD_INDEX.sortKey },
            ExpressionAttributeValues: { ':key': shardKey(n), ':first': '0' },
          }),
        ),
    },
    'dynamodb.DeleteItem': {
      before: (n) => stack.ctx.ddb.send(new PutCommand({ TableName: table, Item: { batchId: `bench-requests-deleted-${n}` } })),
      send: (n) => stack.ctx.ddb.send(new DeleteCommand({ TableName: table, Key: { batchId: `bench-requests-deleted-${n}` } })),
    },
  };
}

/**
 * CPU milliseconds (the whole process: the SDK client on the main thread, s3rver or dynalite on the servers'
 * thread) that one request of each operation costs on the embedded stack, `AT_ONCE` in flight; measured
 * in the order given, after a warm-up each. Operations this does not know are left out.
 */
export async function requestCosts(stack: LocalStack, operations: string[]): Promise<Map<string, number>> {
  const send = senders(stack);
  // what a GET, COPY or HEAD reads must be there first
  const ordered = [...new Set(['s3.PutObject', ...operations])].filter((operation) => send[operation]);
  const costs = new Map<string, number>();
  let n = 0;
  // `count` requests numbered from `from`, AT_ONCE in flight
  const inTurn = async (request: (n: number) => Promise<unknown>, from: number, count: number) => {
    for (let i = 0; i < count; i += AT_ONCE) await Promise.all(Array.from({ length: Math.min(AT_ONCE, count - i) }, (_, k) => request(from + i + k)));
  };
  for (const operation of ordered) {
    const { send: one, before: prepare } = send[operation]!;
    if (prepare) await inTurn(prepare, n, REQUESTS / 5 + REQUESTS);
    const run = async (count: number) => {
      await inTurn(one, n, count);
      n += count;
    };
    await run(REQUESTS / 5);
    const before = process.cpuUsage();
    await run(REQUESTS);
    const used = process.cpuUsage(before);
    costs.set(operation, (used.user + used.system) / 1000 / REQUESTS);
  }
  return costs;
}

/**
 * What the requests alone allow: the CPU milliseconds an execution's requests take, and the records per
 * second at which they would fill every core of this machine (nothing else counted: tasks, engine, garbage).
 */
export function requestCeiling(perExecution: Map<string, number>, costs: Map<string, number>, recordsPerExecution: number): { cpuMs: number; recordsPerSecond: number; uncosted: string[] } {
  let cpuMs = 0;
  const uncosted: string[] = [];
  for (const [operation, count] of perExecution) {
    const cost = costs.get(operation);
    if (cost === undefined) uncosted.push(operation);
    else cpuMs += count * cost;
  }
  return { cpuMs, recordsPerSecond: cpuMs > 0 ? (availableParallelism() * 1000 * recordsPerExecution) / cpuMs : Infinity, uncosted };
}
