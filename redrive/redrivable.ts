import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isLeft } from 'fp-ts/lib/Either.js';
import { report } from '../contracts/decode.ts';
import { LedgerRow, objectBatchOf } from '../contracts/ledger.ts';
import { ErrorName } from '../contracts/errors.ts';
import { EXPRESS_LIMIT_SECONDS } from '../contracts/timing.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import { rowsByStatus } from './rows-by-status.ts';

/** A STARTED row older than this belongs to an execution that can no longer be running. */
export const UNFINISHED_AFTER_SECONDS = EXPRESS_LIMIT_SECONDS + 60;

/** A batch the ledger says did not end cleanly, with where its input is. */
export type Redrivable = LedgerRow & ({ inputKey: string } | { input: unknown });

const hasInput = (row: LedgerRow): row is Redrivable => row.inputKey !== undefined || row.input !== undefined;

/**
 * Failures that a new execution of the same input cannot mend: the input does not match its contract.
 * They are listed, not redriven, unless `force` says otherwise (after the pipeline's code was changed).
 */
const PERMANENT_ERRORS = new Set<string>([ErrorName.InvalidInput]);

export const isPermanent = (row: LedgerRow): boolean => row.status === 'FAILED' && PERMANENT_ERRORS.has(row.error?.Error ?? '');

export interface RedrivableFilter {
  pipeline?: string;
  batchId?: string;
  unfinishedAfterSeconds?: number;
  /** Redrive permanent failures too. */
  force?: boolean;
}

/**
 * Rows to start again: FAILED (the execution failed; its whole input is kept), BACKED_UP (records were
 * backed up after delivery kept failing), and STARTED for longer than an Express execution can run (it
 * was killed, timed out, or lost its way with S3 down), read through the status index (one batch by
 * its key). Chunk rows keep no input: their object's row is the one to redrive. A row that does not
 * decode, any other row without an input, and a permanent failure left alone, are reported, never
 * silently skipped.
 */
export async function redrivable(
  ctx: TaskContext,
  filter: RedrivableFilter = {},
  say: (problem: string) => void = (problem) => process.stderr.write(`sluice: ${problem}\n`),
): Promise<Redrivable[]> {
  const staleBefore = new Date(ctx.now() - (filter.unfinishedAfterSeconds ?? UNFINISHED_AFTER_SECONDS) * 1000).toISOString();
  // a chunk is redriven with its object, whose row keeps the event and learns what its chunks did
  const batchId = filter.batchId === undefined ? undefined : objectBatchOf(filter.batchId);
  if (batchId !== filter.batchId) say(`${filter.batchId} is a chunk of ${batchId}: the object is the batch to redrive`);
  const items: AsyncIterable<Record<string, unknown>> | Record<string, unknown>[] = batchId
    ? [(await ctx.ddb.send(new GetCommand({ TableName: ctx.config.ledgerTable, Key: { batchId } }))).Item].filter((item) => item !== undefined)
    : concat(rowsByStatus(ctx, 'FAILED'), rowsByStatus(ctx, 'BACKED_UP'), rowsByStatus(ctx, 'STARTED', staleBefore));
  const rows: Redrivable[] = [];
  for await (const item of items) {
    const decoded = LedgerRow.decode(item);
    if (isLeft(decoded)) {
      say(`ledger row skipped: ${String(item.batchId)}: ${report(decoded.left).join('; ')}`);
      continue;
    }
    const row = decoded.right;
    const due = row.status === 'FAILED' || row.status === 'BACKED_UP' || (row.status === 'STARTED' && row.time < staleBefore);
    if (!due || (filter.pipeline && row.pipeline !== filter.pipeline)) continue;
    // run under another configuration, its redrive here would fail it for good (Sluice.InvalidInput)
    if (!Object.hasOwn(ctx.config.pipelines, row.pipeline)) {
      say(`${row.batchId} is ${row.status}, of pipeline "${row.pipeline}", which this configuration does not have (it ran under another: give its --config); left alone`);
      continue;
    }
    if (!hasInput(row)) {
      if (row.source.firstLine === undefined) say(`${row.batchId} is ${row.status} but its row keeps no input to start it again from; left alone`);
      continue;
    }
    if (isPermanent(row) && !filter.force) {
      // the whole cause on one line: a contract error's first line only says which contract
      say(`${row.batchId} failed for good (${row.error?.Error}: ${(row.error?.Cause ?? '').replace(/\s*\n\s*/g, ' ').slice(0, 500)}); left alone: --force redrives it`);
      continue;
    }
    rows.push(row);
  }
  return rows.sort((a, b) => a.time.localeCompare(b.time));
}

async function* concat<T>(...sources: AsyncIterable<T>[]): AsyncGenerator<T> {
  for (const source of sources) yield* source;
}
