import { CopyObjectCommand, type CopyObjectCommandInput } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { triggers } from '../../contracts/config.ts';
import type { Staged } from '../../contracts/batch.ts';
import type { TaskContext } from '../shared/context.ts';
import { located, statusOf } from '../shared/transient.ts';

/** How many objects are copied at once. */
const PARALLEL_COPIES = 8;

/** How many times a conditional copy that met another write of its key (409 ConditionalRequestConflict) is tried. */
const CONFLICT_TRIES = 5;

/** Copies an object in only where its key holds none (S3's conditional write). */
async function copyUnlessThere(ctx: TaskContext, copy: CopyObjectCommandInput): Promise<void> {
  for (let tried = 1; ; tried++) {
    try {
      await ctx.s3.send(new CopyObjectCommand({ ...copy, IfNoneMatch: '*' }));
      return;
    } catch (error) {
      if (statusOf(error) === 412) return;
      if (statusOf(error) !== 409 || tried === CONFLICT_TRIES) throw error;
      await sleep(50 * tried);
    }
  }
}

/**
 * Makes a batch's staged lake objects visible: each is copied from the work bucket to its place in the
 * lake (same name for the same batch, so a retried commit rewrites, never adds). The account step's last
 * act, once every record is accounted for: a failure before it leaves nothing in the lake. Where the lake
 * starts a workflow (seed S4's raw objects start the s3 one), an object there already is left as it is,
 * by a conditional copy (`If-None-Match: *`, which two commits at once cannot both pass, as a look first
 * then a copy could): in a versioned bucket, writing it again makes a new version, whose event would put
 * the same lines through that workflow again, under new record ids.
 */
export async function commitStaged(staged: Staged[], ctx: TaskContext): Promise<void> {
  const work = ctx.config.buckets.work;
  const startsWorkflow = (object: Staged) => Object.values(ctx.config.pipelines).some((pipeline) => pipeline.trigger && triggers(pipeline.trigger, object.bucket, object.key));
  for (let i = 0; i < staged.length; i += PARALLEL_COPIES) {
    await Promise.all(
      staged.slice(i, i + PARALLEL_COPIES).map(async (object) => {
        const copy = { Bucket: object.bucket, Key: object.key, CopySource: encodeURI(`${work}/${object.from}`) };
        try {
          if (startsWorkflow(object)) await copyUnlessThere(ctx, copy);
          else await ctx.s3.send(new CopyObjectCommand(copy));
        } catch (error) {
          throw located(error, `committing s3://${object.bucket}/${object.key}`);
        }
      }),
    );
  }
}
