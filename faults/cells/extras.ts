import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalEngine } from '../../local/engine.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { configWith, openStack, openStackWithOpenSearch } from '../../test/e2e/harness.ts';
import { audit } from '../audit.ts';
import type { Cell } from '../cell.ts';
import { redriveAll, runAll, summary } from '../executions.ts';
import { s0Requests, taggedLines } from '../generate.ts';

/**
 * S0: every Firehose request invoked twice at once, as Firehose re-invokes a transformation whose first
 * invocation it gave up on (a bridge timeout) while that one is still running.
 */
const firehoseReinvoked: Cell = {
  name: 'firehose-reinvoked',
  async run(records, progress) {
    const pipeline = 's0-logs-to-opensearch';
    const { os, h, stop } = await openStackWithOpenSearch();
    try {
      const requests = s0Requests(firehoseReinvoked.name, records);
      progress.phase('stack', `${requests.length} Firehose requests, each invoked twice at once`);
      const results = await runAll(requests, async (request) => {
        const [first] = await Promise.all([h.stack.run('firehose', pipeline, request), h.stack.run('firehose', pipeline, structuredClone(request))]);
        return first;
      }, 2);
      progress.phase('run', `${summary(results)} (first invocations); ${os.requests} _bulk requests`);
      const { text } = await redriveAll(h.stack);
      progress.phase('redrive', text);
      const figures = await audit(h.stack, pipeline, firehoseReinvoked.name, records, os);
      progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
      return figures;
    } finally {
      await stop();
    }
  },
};

/**
 * S4 processed: an object that FAILED with S3 down is redriven by two operators at once, both finding the
 * same FAILED row: cut into chunks of 1 MB (chunk executions of each run), or of one chunk (each run
 * decodes and delivers it in its own execution).
 */
const redriveTwice = (name: string, chunkBytes: number): Cell => ({
  name,
  async run(records, progress) {
    const pipeline = 's4-events-processed';
    const h = await openStack(configWith((config) => void (config.limits = { ...config.limits, chunkBytes })));
    const { stack } = h;
    const trigger = stack.config.pipelines[pipeline]!.trigger!;
    const key = `${trigger.prefix ?? ''}${name}${trigger.suffix ?? ''}`;
    try {
      const body = taggedLines(name, records).join('\n') + '\n';
      await stack.servers.s3.send(new PutObjectCommand({ Bucket: trigger.bucket, Key: key, Body: body }));
      const dead = new S3Client({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, maxAttempts: 1 });
      const result = await new LocalEngine({ ...stack.ctx, s3: dead }, { skipWaits: true }).run('s3', pipeline, objectCreatedFor(trigger.bucket, key, body.length));
      dead.destroy();
      progress.phase('run', `S3 down: ${summary([result])}`);
      const [first, second] = await Promise.all([redriveAll(stack), redriveAll(stack)]);
      progress.phase('redrive', `two at once: ${first.text} | ${second.text}`);
      const figures = await audit(stack, pipeline, name, records);
      progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
      return figures;
    } finally {
      await h.stop();
    }
  },
});

export const extraCells: Cell[] = [firehoseReinvoked, redriveTwice('redrive-twice', 1_000_000), redriveTwice('redrive-twice-one-chunk', 64_000_000)];
