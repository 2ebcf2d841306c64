import type { TaskContext } from '../tasks/shared/context.ts';
import type { PipelineStatus } from './ledger-status.ts';
import { objectsUnder } from './objects-under.ts';

/** The error output types of records a destination did not take: the ledger counted them delivered to Firehose. */
const UNDELIVERED = ['http-endpoint-failed', 's3-failed'];

/**
 * The batches the delivery streams of Firehose pipelines wrote to the backup bucket because their destination
 * did not take them (`http-endpoint-failed`: not within the retry duration), by error output type: the ledger
 * counted those records delivered to Firehose, and nothing else said that they never reached the destination.
 * (`processing-failed` records, which the workflow answered ProcessingFailed, are the ledger's quarantined and
 * backed-up ones, or a FAILED batch's: counted there.)
 */
export async function withFirehoseBackups(ctx: TaskContext, statuses: PipelineStatus[]): Promise<PipelineStatus[]> {
  return Promise.all(
    statuses.map(async (status) => {
      if (ctx.config.pipelines[status.pipeline]?.workflow !== 'firehose') return status;
      const prefix = `processing-failed/${status.pipeline}/`;
      const byType: Record<string, number> = {};
      for await (const { key } of objectsUnder(ctx.s3, ctx.config.buckets.backup, prefix)) {
        const type = key.slice(prefix.length).split('/')[0]!;
        if (UNDELIVERED.includes(type)) byType[type] = (byType[type] ?? 0) + 1;
      }
      return Object.keys(byType).length === 0 ? status : { ...status, firehoseBackups: { prefix: `s3://${ctx.config.buckets.backup}/${prefix}`, batches: byType } };
    }),
  );
}
