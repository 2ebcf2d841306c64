import * as t from 'io-ts';
import { AccountStatus, Counts, SourceInfo, WorkflowName } from './batch.ts';

/**
 * One row per batch, keyed by batch id: STARTED by the first step, before any sink is touched, then
 * rewritten by the account step (SUCCEEDED, BACKED_UP) or the failure path (FAILED). A row still STARTED
 * after the Express limit belongs to an execution that never finished (killed, timed out, S3 down):
 * `sluice redrive` starts it again from `inputKey` (the input in the backup bucket) or `input` (kept in
 * the row itself when it is small, as an S3 event is, or when S3 could not take it).
 */
export const LedgerRow = t.intersection([
  t.type({
    batchId: t.string,
    pipeline: t.string,
    workflow: WorkflowName,
    status: AccountStatus,
    time: t.string,
    source: SourceInfo,
  }),
  t.partial({
    /** When the first step wrote the row: how long a STARTED row has been waiting. */
    startedAt: t.string,
    shard: t.string,
    counts: Counts,
    partitions: t.number,
    execution: t.string,
    inputKey: t.string,
    input: t.unknown,
    error: t.partial({ Error: t.string, Cause: t.string }),
    expiresAt: t.number,
    /** Records put back on the Firehose delivery stream because their answer did not fit in the response. */
    reingested: t.number,
    /** Of the records dropped, those another batch had delivered (a Pipe's re-read, cut another way). */
    redelivered: t.number,
    /** Held while a redrive of the batch runs (redrive/redrive-lease.ts). */
    redriveLease: t.type({ token: t.string, until: t.string }),
  }),
]);
export type LedgerRow = t.TypeOf<typeof LedgerRow>;
export type RedriveLease = NonNullable<LedgerRow['redriveLease']>;

/**
 * The ledger's index by status and time: what `sluice redrive` and the sweep read (a Query per status,
 * not a scan of every batch ever run).
 */
export const LEDGER_STATUS_INDEX = { name: 'byStatus', partitionKey: 'status', sortKey: 'time' } as const;

/**
 * The ledger's index of what Kinesis batches delivered, by pipeline and shard, and last sequence number.
 * Just before it commits a batch's lake objects (under its shard's commit lock), the account step writes
 * the batch's claim, an item of its own (`<batchId>#delivered`: the batch's row stays small): the sequence numbers of its records
 * (batch-sequences.ts). Decode reads the index to drop what a batch cut another way delivered already (a
 * Pipe that re-read its shard after a restart, Pipes' halves of a batch a redrive delivered), and a
 * redrive to start only what no batch delivered. A claim names records, not a stretch of the shard: with
 * several batches in flight per shard, a batch holds some partition keys of its stretch only.
 */
export const LEDGER_SHARD_INDEX = { name: 'byShard', partitionKey: 'shardKey', sortKey: 'stretchEnd', attributes: ['stretchStart', 'sequences'] } as const;

const CLAIM = '#delivered';

/** The key of a batch's claim in the ledger table. */
export const claimKey = (batchId: string): string => `${batchId}${CLAIM}`;

/** The batch whose claim a key of the ledger table is. */
export const batchOfClaim = (key: string): string => key.slice(0, -CLAIM.length);

/** A chunk's ledger row: its object's batch id with `.chunk-NNNNN`. */
export const chunkBatchId = (objectBatchId: string, index: number): string => `${objectBatchId}.chunk-${String(index).padStart(5, '0')}`;

/** The object a chunk's batch id belongs to (any other batch id is its own). */
export const objectBatchOf = (batchId: string): string => batchId.replace(/\.chunk-\d+$/, '');
