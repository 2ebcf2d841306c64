import { CopyObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { triggers } from '../../contracts/config.ts';
import type { Staged } from '../../contracts/batch.ts';
import type { TaskContext } from '../shared/context.ts';
import { located } from '../shared/transient.ts';

/** How many objects are copied at once. */
const PARALLEL_COPIES = 8;

/** Whether an object is there already (HEAD: 404 is no, anything else is an answer or an error). */
async function present(ctx: TaskContext, bucket: string, key: string): Promise<boolean> {
  try {
    await ctx.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw located(error, `looking for s3://${bucket}/${key}`);
  }
}

/**
 * Makes a batch's staged lake objects visible: each is copied from the work bucket to its place in the
 * lake (same name for the same batch, so a retried commit rewrites, never adds). The account step's last
 * act, once every record is accounted for: a failure before it leaves nothing in the lake. Where the lake
 * starts a workflow (seed S4's raw objects start the s3 one), an object there already is left as it is:
 * in a versioned bucket, writing it again makes a new version, whose event would put the same lines
 * through that workflow again, under new record ids.
 */
export async function commitStaged(staged: Staged[], ctx: TaskContext): Promise<void> {
  const work = ctx.config.buckets.work;
  const startsWorkflow = (object: Staged) => Object.values(ctx.config.pipelines).some((pipeline) => pipeline.trigger && triggers(pipeline.trigger, object.bucket, object.key));
  for (let i = 0; i < staged.length; i += PARALLEL_COPIES) {
    await Promise.all(
      staged.slice(i, i + PARALLEL_COPIES).map(async (object) => {
        if (startsWorkflow(object) && (await present(ctx, object.bucket, object.key))) return;
        try {
          await ctx.s3.send(new CopyObjectCommand({ Bucket: object.bucket, Key: object.key, CopySource: encodeURI(`${work}/${object.from}`) }));
        } catch (error) {
          throw located(error, `committing s3://${object.bucket}/${object.key}`);
        }
      }),
    );
  }
}
