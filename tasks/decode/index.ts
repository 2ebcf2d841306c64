import type { Batch } from '../../contracts/batch.ts';
import type { Limits } from '../../contracts/config.ts';
import { decodeOrThrow } from '../../contracts/decode.ts';
import { DecodeInput, type SplitResult } from '../../contracts/tasks.ts';
import { load } from '../shared/claim-check.ts';
import { emptyBody, seal } from '../shared/body.ts';
import type { TaskContext } from '../shared/context.ts';
import { getBytes } from '../shared/s3-objects.ts';
import { pipelineOf } from '../shared/pipeline.ts';
import { firehoseUnits, kinesisUnits, lineUnits, type Units } from './sources.ts';
import { splitObject } from './split.ts';
import { decodeUnit, type Decoded, type Unit } from './unit.ts';

/** Decodes every unit; one bad unit is quarantined, never the batch. */
export function decodeUnits(units: Unit[], limits: Limits): Decoded {
  const out: Decoded = { records: [], quarantined: [], dropped: [] };
  for (const unit of units) decodeUnit(unit, limits, out);
  return out;
}

async function unitsOf(request: DecodeInput, ctx: TaskContext): Promise<Units> {
  if ('chunk' in request) {
    const bytes = await getBytes(ctx, request.chunk.ref.bucket, request.chunk.ref.key);
    const source = { ...request.source, firstLine: request.chunk.firstLine };
    return {
      batchId: `${request.batchId}.chunk-${String(request.index).padStart(5, '0')}`,
      source,
      units: lineUnits(bytes, request.chunk.firstLine, source),
    };
  }
  if (request.workflow === 'kinesis') return kinesisUnits(request.input);
  return firehoseUnits(await load(request.input, ctx));
}

/** The decode task: a trigger's payload (or one chunk of an S3 object) in, a batch of records out. */
export async function decode(input: unknown, ctx: TaskContext): Promise<Batch | SplitResult> {
  const request = decodeOrThrow(DecodeInput, input, 'decode input');
  pipelineOf(ctx.config, request.pipeline, request.workflow);
  if (!('chunk' in request) && request.workflow === 's3') return splitObject(request, ctx);
  const { batchId, source, units } = await unitsOf(request, ctx);
  const decoded = decodeUnits(units, ctx.config.limits);
  const body = { ...emptyBody(), ...decoded };
  const total = decoded.records.length + decoded.quarantined.length + decoded.dropped.length;
  const retry = { attempt: 0, remaining: ctx.config.limits.deliverAttempts, delaySeconds: 0 };
  return seal({ pipeline: request.pipeline, workflow: request.workflow, batchId, source, retry }, body, total, ctx);
}
