import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { openStack } from '../../test/e2e/harness.ts';
import { audit } from '../audit.ts';
import type { Cell } from '../cell.ts';
import { redriveAll, runAll, summary } from '../executions.ts';
import { pipesBatches } from '../generate.ts';

const PIPELINE = 's4-events-raw';

/**
 * S4 raw: Pipes batches of 500 business events (each from a shard of its own, so that every batch meets
 * the fault) into the lake sink's bucket, `sluice-raw` (prefix `events/`), which does not exist for the
 * run; then it is created again and the ledger redriven.
 */
export const s3LakeCell: Cell = {
  name: 's3-lake-unavailable',
  async run(records, progress) {
    const h = await openStack();
    const { stack } = h;
    const sink = stack.config.pipelines[PIPELINE]!.sinks.find((s) => s.type === 's3-lake')!;
    const bucket = (sink.type === 's3-lake' && sink.bucket) || stack.config.buckets.lake;
    try {
      await stack.servers.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      const batches = pipesBatches(s3LakeCell.name, records);
      progress.phase('stack', `${batches.length} Pipes batches; bucket ${bucket} deleted`);
      const results = await runAll(batches, (batch) => stack.run('kinesis', PIPELINE, batch), 2);
      progress.phase('run', summary(results));
      await stack.servers.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const { text } = await redriveAll(stack);
      progress.phase('redrive', `bucket back; ${text}`);
      const figures = await audit(stack, PIPELINE, s3LakeCell.name, records);
      progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
      return figures;
    } finally {
      await h.stop();
    }
  },
};
