import * as t from 'io-ts';
import { Batch, ChunkRef, SourceInfo, WorkflowName } from './batch.ts';

/** What a workflow hands decode: the trigger's payload as it arrived. */
export const DecodeTrigger = t.intersection([
  t.type({ pipeline: t.string, workflow: WorkflowName, input: t.unknown }),
  t.partial({ execution: t.string }),
]);
export type DecodeTrigger = t.TypeOf<typeof DecodeTrigger>;

/**
 * One chunk of a large S3 object, as the object's execution hands it to a chunk execution: `run` names
 * the object's execution (a chunk of an older run counts for nothing).
 */
export const DecodeChunk = t.type({
  pipeline: t.string,
  workflow: t.literal('s3'),
  batchId: t.string,
  source: SourceInfo,
  chunk: ChunkRef,
  index: t.number,
  run: t.string,
});
export type DecodeChunk = t.TypeOf<typeof DecodeChunk>;

export const DecodeInput = t.union([DecodeChunk, DecodeTrigger]);
export type DecodeInput = t.TypeOf<typeof DecodeInput>;

/** An S3 object cut into chunk objects, each handed to a chunk execution of its own. */
export const SplitResult = t.type({
  pipeline: t.string,
  workflow: t.literal('s3'),
  batchId: t.string,
  source: SourceInfo,
  chunks: t.number,
  lines: t.number,
  run: t.string,
});
export type SplitResult = t.TypeOf<typeof SplitResult>;

/** Deliver: the batch, and when its execution started (what the redelivery loop's time budget counts from). */
export const DeliverInput = t.type({ batch: Batch, startedAt: t.string });
export type DeliverInput = t.TypeOf<typeof DeliverInput>;

/** Backup after delivery: the batch (its input was kept by decode, where a redrive finds it). */
export const BackupInput = t.type({ batch: Batch });
export type BackupInput = t.TypeOf<typeof BackupInput>;

/** Backup from a Catch: the whole input, and the error that stopped the execution. */
export const BackupWholeInput = t.intersection([
  t.type({
    pipeline: t.string,
    workflow: WorkflowName,
    input: t.unknown,
    error: t.partial({ Error: t.string, Cause: t.string }),
  }),
  t.partial({ execution: t.string }),
]);
export type BackupWholeInput = t.TypeOf<typeof BackupWholeInput>;

/** What "Back up whole input" (or "Back up the batch's input") hands "Ingest failed": the error that stopped the workflow, and where the input is kept. */
export const WholeInputBackedUp = t.type({ error: t.string, cause: t.string, batchId: t.string, inputKey: t.string });
export type WholeInputBackedUp = t.TypeOf<typeof WholeInputBackedUp>;

/** Account: the batch (which carries its execution input, by claim check when large) and its execution. */
export const AccountInput = t.intersection([t.type({ batch: Batch }), t.partial({ execution: t.string })]);
export type AccountInput = t.TypeOf<typeof AccountInput>;
