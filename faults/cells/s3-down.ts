import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalEngine } from '../../local/engine.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { configWith, openStack } from '../../test/e2e/harness.ts';
import { audit } from '../audit.ts';
import type { Cell } from '../cell.ts';
import { redriveAll, summary } from '../executions.ts';
import { taggedLines } from '../generate.ts';

const PIPELINE = 's4-events-processed';

/**
 * S4 processed: one JSON Lines object of every business event in the raw bucket, its Object Created
 * event run by the s3 workflow on an engine whose S3 client points at a port nobody listens on (S3
 * entirely down for the run, chunks of 1 MB: the object cannot be read, nothing can be kept in S3); then the ledger is
 * redriven on the healthy stack.
 */
export const s3DownCell: Cell = {
  name: 's3-down-during-s3-workflow',
  async run(records, progress) {
    // chunks of 1 MB: the object is cut into several, each a chunk execution of its own
    const h = await openStack(configWith((config) => void (config.limits = { ...config.limits, chunkBytes: 1_000_000 })));
    const { stack } = h;
    const trigger = stack.config.pipelines[PIPELINE]!.trigger!;
    const key = `${trigger.prefix ?? ''}${s3DownCell.name}${trigger.suffix ?? ''}`;
    try {
      const body = taggedLines(s3DownCell.name, records).join('\n') + '\n';
      await stack.servers.s3.send(new PutObjectCommand({ Bucket: trigger.bucket, Key: key, Body: body }));
      progress.phase('stack', `s3://${trigger.bucket}/${key}: ${records} lines, ${body.length} bytes`);
      const dead = new S3Client({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
      const downEngine = new LocalEngine({ ...stack.ctx, s3: dead }, { skipWaits: true });
      const result = await downEngine.run('s3', PIPELINE, objectCreatedFor(trigger.bucket, key, body.length));
      dead.destroy();
      progress.phase('run', summary([result]));
      const { text } = await redriveAll(stack);
      progress.phase('redrive', `S3 back; ${text}`);
      const figures = await audit(stack, PIPELINE, s3DownCell.name, records);
      progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
      return figures;
    } finally {
      await h.stop();
    }
  },
};
