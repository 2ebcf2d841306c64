import type { Batch, Dropped } from '../../contracts/batch.ts';
import { INLINE_INPUT_BYTES, type Limits } from '../../contracts/config.ts';
import { guardOrThrow } from '../../contracts/decode.ts';
import { chunkBatchId } from '../../contracts/ledger.ts';
import { DecodeInput, type SplitResult } from '../../contracts/tasks.ts';
import { accountedBefore, REDELIVERED } from '../shared/accounted.ts';
import { isClaimCheck, load, store } from '../shared/claim-check.ts';
import { emptyBody, seal } from '../shared/body.ts';
import type { TaskContext } from '../shared/context.ts';
import { recordId } from '../shared/ids.ts';
import { keepInput } from '../shared/inputs.ts';
import { writeStartedRow } from '../shared/ledger.ts';
import { getBytes } from '../shared/s3-objects.ts';
import { pipelineOf } from '../shared/pipeline.ts';
import { firehoseUnits, kinesisUnits, lineUnits, type Units } from './sources.ts';
import { splitObject } from './split.ts';
import { triggerOf } from './trigger.ts';
import { decodeUnit, type Decoded, type Unit } from './unit.ts';

/**
 * Decodes every unit; one bad unit is quarantined, never the batch. A record whose id was seen before in
 * the batch (the same CloudWatch payload twice, as an upstream redelivery sends it) goes on once; each
 * repeat is dropped with reason `duplicate`, under an id of its own so the ledger shows it.
 */
export function decodeUnits(units: Unit[], limits: Limits): Decoded {
  const all: Decoded = { records: [], quarantined: [], dropped: [] };
  for (const unit of units) decodeUnit(unit, limits, all);
  // one hash lookup per record, not two (get, then set): the set only grows for an id not seen before
  const seen = new Set<string>();
  const repeats = new Map<string, number>();
  const out: Decoded = { records: [], quarantined: [], dropped: all.dropped };
  const once = <T extends { id: string; unit: string }>(entry: T, into: T[]) => {
    const size = seen.size;
    seen.add(entry.id);
    if (seen.size > size) {
      into.push(entry);
      return;
    }
    const repeat = (repeats.get(entry.id) ?? 0) + 1;
    repeats.set(entry.id, repeat);
    out.dropped.push({ id: recordId(`${entry.id}/duplicate/${repeat}`), unit: entry.unit, reason: 'duplicate' });
  };
  for (const record of all.records) once(record, out.records);
  for (const quarantined of all.quarantined) once(quarantined, out.quarantined);
  return out;
}

async function unitsOf(request: DecodeInput, ctx: TaskContext): Promise<Units & { resolved?: unknown }> {
  if ('chunk' in request) {
    const bytes = await getBytes(ctx, request.chunk.ref.bucket, request.chunk.ref.key);
    const source = { ...request.source, firstLine: request.chunk.firstLine, chunk: request.index, run: request.run, lines: request.chunk.count };
    return {
      batchId: chunkBatchId(request.batchId, request.index),
      source,
      units: lineUnits(bytes, request.chunk.firstLine, source),
    };
  }
  if (request.workflow === 'kinesis') return { ...kinesisUnits(request.input), resolved: request.input };
  const resolved = await load(request.input, ctx);
  return { ...firehoseUnits(resolved), resolved };
}

/**
 * The decode task: a trigger's payload (or one chunk of an S3 object) in, a batch of records out. Before
 * anything else the batch gets its STARTED ledger row and its input a copy a redrive can start from
 * (a chunk's is its object's, kept by the split). An S3 object is split into chunk executions, or, when
 * it is one chunk, decoded here as a batch whose row is the object's. A Pipes batch comes bare, its pipeline
 * named by the alias the function was invoked through (`invokedFunctionArn`, trigger.ts).
 */
export async function decode(input: unknown, ctx: TaskContext, invokedFunctionArn = ''): Promise<Batch | SplitResult> {
  const invokedAt = new Date(ctx.now()).toISOString();
  const request = guardOrThrow(DecodeInput, triggerOf(input, invokedFunctionArn), 'decode input');
  pipelineOf(ctx.config, request.pipeline, request.workflow);
  if (!('chunk' in request) && request.workflow === 's3') {
    const read = await splitObject(request, ctx);
    if (!('bytes' in read)) return read;
    const units = { batchId: read.batchId, source: read.source, units: lineUnits(read.bytes, 1, read.source) };
    return decoded(request, units, ctx, [], await carried(read.input, read.batchId, ctx));
  }
  const units = await unitsOf(request, ctx);
  if (!('chunk' in request)) {
    const { batchId, source, resolved, sequences } = units;
    const now = new Date(ctx.now()).toISOString();
    await writeStartedRow(ctx, {
      batchId,
      pipeline: request.pipeline,
      workflow: request.workflow,
      status: 'STARTED',
      time: now,
      startedAt: now,
      source,
      ...(source.shard ? { shard: source.shard } : {}),
      ...(request.execution ? { execution: request.execution } : {}),
      ...(await keepInput(ctx, batchId, resolved)),
    }, invokedAt);
    const { units: kept, redelivered } = sequences ? withoutRedelivered(units.units, sequences, await accountedBefore(ctx, request.pipeline, batchId, source)) : { units: units.units, redelivered: [] };
    return decoded(request, { ...units, units: kept }, ctx, redelivered, await carried(request.input, batchId, ctx));
  }
  return decoded(request, units, ctx);
}

/**
 * The execution input as the batch carries it to account: inline when small, else by claim check (the
 * Firehose bridge's own when it made one), so no state holds the input beside a body of its own size.
 */
async function carried(input: unknown, batchId: string, ctx: TaskContext): Promise<unknown> {
  if (isClaimCheck(input)) return input;
  return store(input, Array.isArray(input) ? input.length : 1, batchId, ctx, INLINE_INPUT_BYTES);
}

/**
 * A Kinesis batch's records that batches cut another way delivered already (a Pipe that re-read its shard
 * after a restart, Pipes' halves of a batch a redrive delivered whole) are dropped, `redelivered`: the
 * lake names its objects after batches, and would hold them twice.
 */
function withoutRedelivered(units: Unit[], sequences: string[], accounted: (sequence: string) => string | undefined): { units: Unit[]; redelivered: Dropped[] } {
  const kept: Unit[] = [];
  const redelivered: Dropped[] = [];
  units.forEach((unit, i) => {
    if (accounted(sequences[i]!)) redelivered.push({ id: recordId(unit.coordinates), unit: unit.unit, reason: REDELIVERED });
    else kept.push(unit);
  });
  return { units: kept, redelivered };
}

/** The records of a batch's units, sealed (claim-checked when large) for the next state. */
async function decoded({ pipeline, workflow }: DecodeInput, { batchId, source, units }: Units, ctx: TaskContext, redelivered: Dropped[] = [], input?: unknown): Promise<Batch> {
  const decodedUnits = decodeUnits(units, ctx.config.limits);
  const records = { ...decodedUnits, dropped: [...redelivered, ...decodedUnits.dropped] };
  const body = { ...emptyBody(), ...records };
  const total = records.records.length + records.quarantined.length + records.dropped.length;
  const retry = { attempt: 0, again: false, delaySeconds: 0, elapsedSeconds: 0, until: 0 };
  return seal({ pipeline, workflow, batchId, source, retry, ...(input === undefined ? {} : { input }) }, body, total, ctx);
}
