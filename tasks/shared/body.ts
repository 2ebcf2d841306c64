import { Batch, Body, type Counts } from '../../contracts/batch.ts';
import { guardOrThrow } from '../../contracts/decode.ts';
import { load, store } from './claim-check.ts';
import type { TaskContext } from './context.ts';

export const emptyBody = (): Body => ({
  records: [],
  failed: [],
  quarantined: [],
  dropped: [],
  delivered: [],
  backedUp: [],
  outputs: {},
});

/** Counts of a body; `in` is fixed by decode and carried unchanged so account can check it. */
export function countBody(body: Body, total: number): Counts {
  return {
    in: total,
    delivered: body.delivered.length,
    quarantined: body.quarantined.length,
    dropped: body.dropped.length,
    backedUp: body.backedUp.length,
    failed: body.failed.length,
    pending: body.records.length,
  };
}

export const bodySize = (body: Body): number =>
  body.records.length +
  body.failed.length +
  body.quarantined.length +
  body.dropped.length +
  body.delivered.length +
  body.backedUp.length;

/** Builds the state a task hands on: the body inline or by claim check, and its counts. */
export async function seal(batch: Omit<Batch, 'body' | 'counts'>, body: Body, total: number, ctx: TaskContext): Promise<Batch> {
  const stored = await store(body, bodySize(body), batch.batchId, ctx);
  // the execution input last: a console (or the inspector) that cuts a long state shows the records first
  const { input, ...rest } = batch;
  return { ...rest, body: stored, counts: countBody(body, total), ...(input === undefined ? {} : { input }) };
}

/** Opens a batch: decodes the state, loads the body wherever it is. */
export async function open(input: unknown, where: string, ctx: TaskContext): Promise<{ batch: Batch; body: Body }> {
  const batch = guardOrThrow(Batch, input, where);
  const body = guardOrThrow(Body, await load(batch.body, ctx), `${where} body`);
  return { batch, body };
}

/** The shape of validate, enrich and deliver: open the batch, change its body, seal it again. */
export async function step(
  input: unknown,
  where: string,
  ctx: TaskContext,
  change: (body: Body, batch: Batch) => Body | Promise<Body>,
): Promise<Batch> {
  const { batch, body } = await open(input, where, ctx);
  const next = await change(body, batch);
  return seal(batch, next, batch.counts.in, ctx);
}
