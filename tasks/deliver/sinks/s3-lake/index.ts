import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import type { S3LakeSinkConfig } from '../../../../contracts/config.ts';
import { TransientError } from '../../../../contracts/errors.ts';
import type { TaskContext } from '../../../shared/context.ts';
import { putObject } from '../../../shared/s3-objects.ts';
import { failAll, sinkName, type Sink, type SinkOutcome } from '../sink.ts';
import { encodeJsonl } from './encoder.ts';
import { lakeObjects } from './request-builder.ts';

/** How many objects are written at once. */
const PARALLEL_PUTS = 8;

/** The S3 lake: JSON Lines under Hive partitions, one object per partition and batch. */
export function s3LakeSink(config: S3LakeSinkConfig, ctx: TaskContext): Sink {
  const bucket = config.bucket ?? ctx.config.buckets.lake;
  const gzip = config.gzip ?? false;
  return {
    name: sinkName(config),
    async deliver(records: Rec[]): Promise<SinkOutcome> {
      const objects = lakeObjects(records, config.prefix, gzip);
      const failed = new Map<string, RecordError>();
      const outputs: string[] = [];
      for (let i = 0; i < objects.length; i += PARALLEL_PUTS) {
        await Promise.all(
          objects.slice(i, i + PARALLEL_PUTS).map(async (object) => {
            try {
              await putObject(ctx, {
                Bucket: bucket,
                Key: object.key,
                Body: encodeJsonl(object.records, gzip),
                ContentType: 'application/x-ndjson',
                ...(gzip ? { ContentEncoding: 'gzip' } : {}),
              });
              outputs.push(`s3://${bucket}/${object.key}`);
            } catch (error) {
              const retryable = error instanceof TransientError;
              failAll(object.records, { code: 'S3PutFailed', message: (error as Error).message, retryable }, failed);
            }
          }),
        );
      }
      return { failed, outputs: outputs.sort() };
    },
  };
}
