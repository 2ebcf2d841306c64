import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AccountStatus, Counts } from '../../contracts/batch.ts';
import type { LedgerRow } from '../../contracts/ledger.ts';
import type { TaskContext } from './context.ts';
import { LEDGER_RETENTION_DAYS, setAndRemove } from './ledger.ts';
import { located } from './transient.ts';

/**
 * The ledger row of an S3 object, kept by its chunk executions. The split records how many chunks and
 * lines the object has, under the id of its run; each chunk execution then adds its counts once (a chunk
 * of another run, or a retried account step, adds nothing), and the last chunk to finish says how the
 * object ended: every line accounted for, or not.
 */
const COUNTS = ['in', 'delivered', 'quarantined', 'dropped', 'backedUp', 'failed', 'pending'] as const;
const zero = (): Counts => ({ in: 0, delivered: 0, quarantined: 0, dropped: 0, backedUp: 0, failed: 0, pending: 0 });

interface ObjectRow {
  run: string;
  chunks: number;
  lines: number;
  linesDone: number;
  counts: Counts;
  doneChunks?: Set<string>;
  failedChunks?: Set<string>;
  pipeline: string;
  status: AccountStatus;
}

async function update(ctx: TaskContext, input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>, what: string): Promise<ObjectRow | undefined> {
  try {
    const result = await ctx.ddb.send(new UpdateCommand({ TableName: ctx.config.ledgerTable, ReturnValues: 'ALL_NEW', ...input }));
    return result.Attributes as ObjectRow | undefined;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return undefined;
    throw located(error, what);
  }
}

/** What runs of an object leave in its row: gone when a run starts over, but for the chunk size (startObject). */
// (a redrive's hold too: the run it started has begun, and the row's status and time guard it from here)
const RUN_FIELDS = ['run', 'chunks', 'lines', 'linesDone', 'counts', 'doneChunks', 'failedChunks', 'partitions', 'error', 'expiresAt', 'inputKey', 'execution', 'reingested', 'shard', 'redriveLease'] as const;

/**
 * Whether an earlier run of the object put anything in the lake: it ended SUCCEEDED or BACKED_UP, a chunk
 * of it was accounted, or a run before it did (`pinned`: a run that failed early since keeps what it found).
 */
const delivered = (row: Record<string, unknown> | undefined) =>
  row?.pinned === true || row?.status === 'SUCCEEDED' || row?.status === 'BACKED_UP' || ((row?.doneChunks as Set<string> | undefined)?.size ?? 0) > 0;

/**
 * An object's STARTED row, over whatever an earlier run of it left (a run starts over), and the chunk size
 * to cut the object with. A run that put anything in the lake pins the size it cut with: every later run
 * (a duplicate event, a redrive) cuts the object the same way, so that its batches, and the lake objects
 * they name, are written again, not beside them, whatever `limits.chunkBytes` says now (the pin is set
 * just before a run's first commit, pinObject, so a commit that went through and a row that did not still
 * pin it). A run that got no further pins nothing: the object is cut at the size in force (a redrive after
 * lowering a size that was too large). An object seen for the first time costs one write; one seen before, a read too.
 */
export async function startObject(ctx: TaskContext, row: LedgerRow, chunkBytes: number): Promise<number> {
  if (await writeObjectRow(ctx, row, chunkBytes, false, 'attribute_not_exists(batchId)')) return chunkBytes;
  let earlier: Record<string, unknown> | undefined;
  try {
    earlier = (await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId: row.batchId }, ConsistentRead: true }))).Item;
  } catch (error) {
    throw located(error, `reading ledger row ${row.batchId}`);
  }
  const pinned = delivered(earlier) && typeof earlier?.chunkBytes === 'number';
  const size = pinned ? (earlier!.chunkBytes as number) : chunkBytes;
  await writeObjectRow(ctx, row, size, pinned);
  return size;
}

/**
 * Pins the chunk size of an object's row before any of its lake objects is committed: a run whose commit went
 * through and whose rows did not (the row's write failed, the object FAILED) has put records in the lake all the
 * same, and a redrive must cut the object as it did (cut at a size changed since, 40 records were 80 lake rows).
 */
export async function pinObject(ctx: TaskContext, batchId: string): Promise<void> {
  await update(ctx, { Key: { batchId }, UpdateExpression: 'SET pinned = :pinned', ConditionExpression: 'attribute_exists(batchId)', ExpressionAttributeValues: { ':pinned': true } }, `pinning ledger row ${batchId}`);
}

/** Writes the row's fields and its chunk size (pinned or not), drops what runs leave; false when `condition` does not hold. */
async function writeObjectRow(ctx: TaskContext, row: LedgerRow, chunkBytes: number, pinned: boolean, condition?: string): Promise<boolean> {
  const { batchId, ...fields } = row;
  try {
    await ctx.ddb.send(
      new UpdateCommand({
        TableName: ctx.config.ledgerTable,
        Key: { batchId },
        ...setAndRemove({ ...fields, chunkBytes, pinned }, RUN_FIELDS),
        ...(condition ? { ConditionExpression: condition } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (condition && (error as Error).name === 'ConditionalCheckFailedException') return false;
    throw located(error, `writing ledger row ${batchId}`);
  }
}

/** After the split: the run, its chunks and lines, counts from zero. */
export async function beginObject(ctx: TaskContext, batchId: string, run: string, chunks: number, lines: number): Promise<void> {
  const row = await update(
    ctx,
    {
      Key: { batchId },
      UpdateExpression: 'SET #run = :run, chunks = :chunks, #lines = :lines, linesDone = :none, #counts = :zero REMOVE doneChunks, failedChunks, #error, expiresAt',
      ExpressionAttributeNames: { '#run': 'run', '#lines': 'lines', '#counts': 'counts', '#error': 'error' },
      ExpressionAttributeValues: { ':run': run, ':chunks': chunks, ':lines': lines, ':none': 0, ':zero': zero() },
    },
    `starting object ${batchId}`,
  );
  if (row && chunks === 0) await settle(ctx, batchId, row);
}

/** A chunk execution's counts and lines, added once to its object. */
export async function addChunk(ctx: TaskContext, batchId: string, run: string, index: number, counts: Counts, lines: number): Promise<void> {
  const sets = COUNTS.map((name) => `#counts.#${name} = #counts.#${name} + :${name}`).join(', ');
  const row = await update(
    ctx,
    {
      Key: { batchId },
      UpdateExpression: `SET ${sets}, linesDone = linesDone + :lines ADD doneChunks :chunk`,
      ConditionExpression: '#run = :run AND NOT contains(doneChunks, :index)',
      ExpressionAttributeNames: { '#run': 'run', '#counts': 'counts', ...Object.fromEntries(COUNTS.map((name) => [`#${name}`, name])) },
      ExpressionAttributeValues: { ':run': run, ':lines': lines, ':chunk': new Set([String(index)]), ':index': String(index), ...Object.fromEntries(COUNTS.map((name) => [`:${name}`, counts[name]])) },
    },
    `adding chunk ${index} to ${batchId}`,
  );
  if (row) await settle(ctx, batchId, row);
}

/** A chunk execution that failed: its object is FAILED once every chunk has ended, and redriven whole. */
export async function failChunk(ctx: TaskContext, batchId: string, run: string, index: number, error: { Error?: string; Cause?: string }): Promise<void> {
  const row = await update(
    ctx,
    {
      Key: { batchId },
      UpdateExpression: 'SET #error = :error ADD failedChunks :chunk',
      ConditionExpression: '#run = :run',
      ExpressionAttributeNames: { '#run': 'run', '#error': 'error' },
      ExpressionAttributeValues: { ':run': run, ':chunk': new Set([String(index)]), ':error': { ...error, Cause: `chunk ${index}: ${error.Cause ?? ''}` } },
    },
    `failing chunk ${index} of ${batchId}`,
  );
  if (row) await settle(ctx, batchId, row);
}

/** When every chunk has ended, the object's status; written once, by whichever chunk ended last. */
async function settle(ctx: TaskContext, batchId: string, row: ObjectRow): Promise<void> {
  const ended = (row.doneChunks?.size ?? 0) + (row.failedChunks?.size ?? 0);
  if (ended < row.chunks || row.status !== 'STARTED') return;
  // each chunk checked that its lines have outcomes; here, that the chunks that ended hold every line of the object
  const mismatch = !row.failedChunks?.size && row.linesDone !== row.lines;
  const status: AccountStatus = row.failedChunks?.size || mismatch ? 'FAILED' : row.counts.backedUp > 0 ? 'BACKED_UP' : 'SUCCEEDED';
  const values: Record<string, unknown> = { ':status': status, ':started': 'STARTED', ':run': row.run, ':time': new Date(ctx.now()).toISOString() };
  let expression = 'SET #status = :status, #time = :time';
  if (mismatch) {
    expression += ', #error = :error';
    values[':error'] = { Error: 'Sluice.AccountingMismatch', Cause: `${batchId}: the object has ${row.lines} lines but its chunks account for ${row.linesDone}` };
  }
  if (status === 'SUCCEEDED') {
    expression += ', expiresAt = :expires REMOVE #input';
    values[':expires'] = Math.floor(ctx.now() / 1000) + LEDGER_RETENTION_DAYS * 86_400;
  }
  const settled = await update(
    ctx,
    {
      Key: { batchId },
      UpdateExpression: expression,
      ConditionExpression: '#run = :run AND #status = :started',
      ExpressionAttributeNames: { '#status': 'status', '#time': 'time', '#run': 'run', ...(mismatch ? { '#error': 'error' } : {}), ...(status === 'SUCCEEDED' ? { '#input': 'input' } : {}) },
      ExpressionAttributeValues: values,
    },
    `settling object ${batchId}`,
  );
  if (settled) ctx.metrics?.(row.pipeline, row.counts);
}
