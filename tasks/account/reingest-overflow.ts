import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { FirehoseTransformRequest } from '../../contracts/firehose.ts';
import { nameOf } from '../shared/batch-identity.ts';
import type { TaskContext } from '../shared/context.ts';
import { located } from '../shared/transient.ts';


/**
 * Puts the original records whose answer did not fit in the response back on their delivery stream,
 * before the response (which says `Dropped` for them) is returned: nothing is acknowledged on hope. A
 * batch whose ledger row already says it re-ingested (a retried account step, a re-invoked request)
 * does not put them a second time.
 */
export async function reingestOverflow(request: FirehoseTransformRequest, recordIds: string[], batchId: string, ctx: TaskContext): Promise<void> {
  const stream = nameOf(request.deliveryStreamArn);
  if (!stream) throw new Error(`${batchId}: ${recordIds.length} answers do not fit in the response, and the request names no delivery stream to put them back on`);
  if (!ctx.reingest) throw new Error(`${batchId}: ${recordIds.length} answers do not fit in the response, and nothing here can put records on a delivery stream`);
  let row: Record<string, unknown> | undefined;
  try {
    row = (await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId } }))).Item;
  } catch (error) {
    throw located(error, `reading ledger row ${batchId}`);
  }
  if (typeof row?.reingested === 'number') return;
  const wanted = new Set(recordIds);
  await ctx.reingest(stream, request.records.filter((record) => wanted.has(record.recordId)).map((record) => Buffer.from(record.data, 'base64')));
}
