import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchIdentity } from '../../tasks/shared/batch-identity.ts';
import { decode } from '../../tasks/decode/index.ts';
import type { TaskContext } from '../../tasks/shared/context.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { eventsJsonl, eventsBatch } from '../../local/samples.ts';
import { openStack } from './harness.ts';

let h: Awaited<ReturnType<typeof openStack>>;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const ALIAS = 'arn:aws:lambda:us-east-1:000000000000:function:sluice-decode:s3-events-to-archive';

/** A FAILED row for the batch whose input is being kept, written at `time` as its execution's failure path writes it. */
const failedRow = (batchId: string, time: string) =>
  h.stack.ctx.ddb.send(new PutCommand({ TableName: h.stack.config.ledgerTable, Item: { batchId, pipeline: 's3-events-to-archive', workflow: 'kinesis', status: 'FAILED', time, startedAt: time, source: {}, error: { Error: 'States.Timeout', Cause: 'decode gave up' } } }));

/** The stack's context, its S3 client running `meanwhile` once, when decode keeps the batch's input (its first write). */
function withInputKept(meanwhile: (batchId: string) => Promise<unknown>): TaskContext {
  const s3 = h.stack.ctx.s3;
  let done = false;
  const send = async (command: Parameters<S3Client['send']>[0]) => {
    const key = (command as PutObjectCommand).input?.Key;
    if (!done && command instanceof PutObjectCommand && key?.startsWith('inputs/')) {
      done = true;
      await meanwhile(key.slice('inputs/'.length, -'.json'.length));
    }
    return s3.send(command as never);
  };
  return { ...h.stack.ctx, s3: Object.assign(Object.create(s3) as S3Client, { send }) };
}

describe("a batch's STARTED row", () => {
  it("is not written over a FAILED row its own execution wrote while this call ran late (on AWS decode's function outlives its Task state's 20 s; the sweep would have run the batch again)", async () => {
    const batch = eventsBatch(3, 'shardId-000000000071');
    await decode(batch, withInputKept((batchId) => failedRow(batchId, new Date(Date.now() + 1000).toISOString())), ALIAS);
    expect(await h.ledger(batchIdOf(batch))).toMatchObject({ status: 'FAILED', error: { Error: 'States.Timeout' } });
  });

  it('is written over a FAILED row of an earlier attempt: a Pipes retry or a redrive starts the batch again', async () => {
    const batch = eventsBatch(3, 'shardId-000000000072');
    await failedRow(batchIdOf(batch), new Date(Date.now() - 60_000).toISOString());
    await decode(batch, h.stack.ctx, ALIAS);
    expect(await h.ledger(batchIdOf(batch))).toMatchObject({ status: 'STARTED' });
  });

  it("of an S3 object, written anew by the run a redrive started, drops the redrive's hold: started asynchronously on AWS, the hold would have refused every redrive until it lapsed", async () => {
    const key = 'events/started-row/held.jsonl';
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: eventsJsonl(3) }));
    const event = objectCreatedFor('sluice-raw', key);
    const first = await h.stack.run('s3', 's4-events-processed', event);
    const batchId = first.account!.batchId;
    await h.stack.ctx.ddb.send(new UpdateCommand({ TableName: h.stack.config.ledgerTable, Key: { batchId }, UpdateExpression: 'SET redriveLease = :lease', ExpressionAttributeValues: { ':lease': { token: 'redrive', until: new Date(Date.now() + 300_000).toISOString() } } }));
    const again = await h.stack.run('s3', 's4-events-processed', event);
    expect(again.status).toBe('SUCCEEDED');
    expect(await h.ledger(batchId)).not.toHaveProperty('redriveLease');
  });
});

const batchIdOf = (batch: ReturnType<typeof eventsBatch>) => batchIdentity('kinesis', batch).batchId;
