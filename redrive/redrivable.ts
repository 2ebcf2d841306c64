import { isLeft } from 'fp-ts/lib/Either.js';
import { report } from '../contracts/decode.ts';
import { LedgerRow } from '../contracts/ledger.ts';
import { EXPRESS_LIMIT_SECONDS } from '../contracts/timing.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import { scanLedger } from './scan-ledger.ts';

/** A STARTED row older than this belongs to an execution that can no longer be running. */
export const UNFINISHED_AFTER_SECONDS = EXPRESS_LIMIT_SECONDS + 60;

/** A batch the ledger says did not end cleanly, with where its input is. */
export type Redrivable = LedgerRow & ({ inputKey: string } | { input: unknown });

const hasInput = (row: LedgerRow): row is Redrivable => row.inputKey !== undefined || row.input !== undefined;

/**
 * Rows to start again: FAILED (the execution failed; its whole input is kept), BACKED_UP (records were
 * backed up after delivery kept failing), and STARTED for longer than an Express execution can run (it
 * was killed, timed out, or lost its way with S3 down). Chunk rows keep no input: their object's row is
 * the one to redrive. A row that does not decode is reported, never silently skipped.
 */
export async function redrivable(
  ctx: TaskContext,
  filter: { pipeline?: string; batchId?: string; unfinishedAfterSeconds?: number } = {},
  onBadRow: (problem: string) => void = (problem) => process.stderr.write(`sluice: ledger row skipped: ${problem}\n`),
): Promise<Redrivable[]> {
  const rows: Redrivable[] = [];
  const staleBefore = new Date(ctx.now() - (filter.unfinishedAfterSeconds ?? UNFINISHED_AFTER_SECONDS) * 1000).toISOString();
  const items = scanLedger(ctx, {
    expression: '(#status IN (:failed, :backedUp) OR (#status = :started AND #time < :stale)) AND (attribute_exists(inputKey) OR attribute_exists(#input))',
    names: { '#status': 'status', '#time': 'time', '#input': 'input' },
    values: { ':failed': 'FAILED', ':backedUp': 'BACKED_UP', ':started': 'STARTED', ':stale': staleBefore },
  });
  for await (const item of items) {
    const decoded = LedgerRow.decode(item);
    if (isLeft(decoded)) onBadRow(`${String(item.batchId)}: ${report(decoded.left).join('; ')}`);
    else if (hasInput(decoded.right)) rows.push(decoded.right);
  }
  return rows
    .filter((row) => (filter.pipeline ? row.pipeline === filter.pipeline : true) && (filter.batchId ? row.batchId === filter.batchId : true))
    .sort((a, b) => a.time.localeCompare(b.time));
}
