import { CopyObjectCommand } from '@aws-sdk/client-s3';
import type { Staged } from '../../contracts/batch.ts';
import type { TaskContext } from '../shared/context.ts';
import { located } from '../shared/transient.ts';

/** How many objects are copied at once. */
const PARALLEL_COPIES = 8;

/**
 * Makes a batch's staged lake objects visible: each is copied from the work bucket to its place in the
 * lake (same name for the same batch, so a retried commit rewrites, never adds). The account step's last
 * act, once every record is accounted for: a failure before it leaves nothing in the lake.
 */
export async function commitStaged(staged: Staged[], ctx: TaskContext): Promise<void> {
  const work = ctx.config.buckets.work;
  for (let i = 0; i < staged.length; i += PARALLEL_COPIES) {
    await Promise.all(
      staged.slice(i, i + PARALLEL_COPIES).map(async (object) => {
        try {
          await ctx.s3.send(new CopyObjectCommand({ Bucket: object.bucket, Key: object.key, CopySource: encodeURI(`${work}/${object.from}`) }));
        } catch (error) {
          throw located(error, `committing s3://${object.bucket}/${object.key}`);
        }
      }),
    );
  }
}
