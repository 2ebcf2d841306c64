import type { TaskContext } from '../tasks/shared/context.ts';
import type { PipelineStatus } from './ledger-status.ts';
import { objectsUnder } from './objects-under.ts';

/**
 * What the delivery streams of Firehose pipelines wrote to the backup bucket, by error output type
 * (`http-endpoint-failed`: the destination did not take them within the retry duration; `processing-failed`:
 * the transformation failed them), as batches: the ledger counted those records delivered to Firehose, and
 * nothing else said that they never reached the destination.
 */
export async function withFirehoseBackups(ctx: TaskContext, statuses: PipelineStatus[]): Promise<PipelineStatus[]> {
  return Promise.all(
    statuses.map(async (status) => {
      if (ctx.config.pipelines[status.pipeline]?.workflow !== 'firehose') return status;
      const prefix = `processing-failed/${status.pipeline}/`;
      const byType: Record<string, number> = {};
      for await (const { key } of objectsUnder(ctx.s3, ctx.config.buckets.backup, prefix)) {
        const type = key.slice(prefix.length).split('/')[0]!;
        byType[type] = (byType[type] ?? 0) + 1;
      }
      return Object.keys(byType).length === 0 ? status : { ...status, firehoseBackups: { prefix: `s3://${ctx.config.buckets.backup}/${prefix}`, batches: byType } };
    }),
  );
}
