import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { s3Object } from '../../tasks/shared/batch-identity.ts';
import { objectsUnder } from '../objects-under.ts';
import { objectCreatedFor } from '../s3-events.ts';
import type { LocalStack } from '../stack.ts';

/** BatchGetItem takes at most 100 keys. */
const KEYS_PER_GET = 100;

/** Which of these batch ids have a ledger row. */
async function withRows(stack: LocalStack, batchIds: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const table = stack.config.ledgerTable;
  for (let i = 0; i < batchIds.length; i += KEYS_PER_GET) {
    let keys: Record<string, unknown>[] | undefined = batchIds.slice(i, i + KEYS_PER_GET).map((batchId) => ({ batchId }));
    while (keys && keys.length > 0) {
      const answer: BatchGetCommandOutput = await stack.ctx.ddb.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'batchId' } } }));
      for (const item of answer.Responses?.[table] ?? []) found.add(item.batchId as string);
      keys = answer.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

/**
 * On AWS, EventBridge delivers an object's event even if the workflow could not take it at that moment.
 * The local stack hears s3rver's events in-process, so an object written just before a stop or a kill may
 * never have started its execution (its ledger row is written by the execution's first step). At start,
 * every object under an s3 pipeline's trigger that has no ledger row is started now, as its event would
 * have started it. Returns how many executions were started (`stack.settle()` waits for them).
 */
export async function replayMissedObjectEvents(stack: LocalStack): Promise<number> {
  let started = 0;
  // objectCreated starts every pipeline the object matches: an object under two triggers' prefixes once
  const seen = new Set<string>();
  const triggers = new Map<string, { bucket: string; prefix: string; suffix: string }>();
  for (const pipeline of Object.values(stack.config.pipelines)) {
    const trigger = pipeline.trigger;
    if (pipeline.workflow !== 's3' || !trigger) continue;
    triggers.set(`${trigger.bucket}/${trigger.prefix ?? ''}`, { bucket: trigger.bucket, prefix: trigger.prefix ?? '', suffix: trigger.suffix ?? '' });
  }
  for (const { bucket, prefix, suffix } of triggers.values()) {
    const pending: { key: string; batchIds: string[]; event: unknown }[] = [];
    const flush = async () => {
      const known = await withRows(stack, pending.flatMap((object) => object.batchIds));
      for (const object of pending) if (!object.batchIds.some((batchId) => known.has(batchId))) started += stack.objectCreated(bucket, object.key, object.event);
      pending.length = 0;
    };
    for await (const { key, size, etag } of objectsUnder(stack.ctx.s3, bucket, prefix)) {
      if (!key.endsWith(suffix) || seen.has(`${bucket}/${key}`)) continue;
      seen.add(`${bucket}/${key}`);
      // its event named the write by its ETag (a Put's), or by none (s3rver's Copy events carry no ETag, where S3's do):
      // a row under either batch id is its execution's
      const event = objectCreatedFor(bucket, key, size, etag);
      pending.push({ key, batchIds: [s3Object(event).batchId, s3Object(objectCreatedFor(bucket, key, size)).batchId], event });
      if (pending.length === KEYS_PER_GET * 5) await flush();
    }
    await flush();
  }
  return started;
}
