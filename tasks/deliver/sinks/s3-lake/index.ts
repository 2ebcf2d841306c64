import type { Rec, RecordError, Staged } from '../../../../contracts/batch.ts';
import type { S3LakeSinkConfig } from '../../../../contracts/config.ts';
import type { TaskContext } from '../../../shared/context.ts';
import { putObject } from '../../../shared/s3-objects.ts';
import { DEADLINE_REACHED, failAll, sinkName, type DeliveryScope, type Sink, type SinkOutcome } from '../sink.ts';
import { encodeJsonl } from './encoder.ts';
import { lakeObjects, stagedKey } from './request-builder.ts';
import { putError } from './retry-logic.ts';

/** How many objects are written at once. */
const PARALLEL_PUTS = 8;

interface Encoded {
  body: Uint8Array;
  rejected: Map<string, RecordError>;
}

/**
 * The S3 lake: JSON Lines (optionally gzip'd) or Parquet under Hive partitions, one object per partition
 * and batch. Objects are written to the work bucket (staged) and copied into the lake by the account
 * step, once the whole batch is accounted for: an execution that fails leaves no lake object behind, so
 * a retry that cuts the batch differently cannot write its records a second time.
 */
export function s3LakeSink(config: S3LakeSinkConfig, ctx: TaskContext): Sink {
  const bucket = config.bucket ?? ctx.config.buckets.lake;
  const parquet = config.format === 'parquet';
  const gzip = !parquet && (config.gzip ?? false);
  const extension = parquet ? '.parquet' : `.jsonl${gzip ? '.gz' : ''}`;
  const encode = async (records: Rec[]): Promise<Encoded> => {
    if (!parquet) return { body: encodeJsonl(records, gzip), rejected: new Map() };
    // loaded on first use: JSON Lines lakes never load the Parquet writer
    const { encodeParquet } = await import('./parquet-encoder.ts');
    return encodeParquet(records, config.columns ?? {});
  };
  return {
    name: sinkName(config),
    async deliver(records: Rec[], scope: DeliveryScope): Promise<SinkOutcome> {
      const objects = lakeObjects(records, config.prefix, extension, scope.batchId);
      const failed = new Map<string, RecordError>();
      const outputs: string[] = [];
      const staged: Staged[] = [];
      for (let i = 0; i < objects.length; i += PARALLEL_PUTS) {
        await Promise.all(
          objects.slice(i, i + PARALLEL_PUTS).map(async (object) => {
            const { body, rejected } = await encode(object.records);
            for (const [id, error] of rejected) failed.set(id, error);
            if (rejected.size === object.records.length) return;
            const written = object.records.filter((record) => !rejected.has(record.id));
            if (scope.now() >= scope.deadline) {
              failAll(written, DEADLINE_REACHED, failed);
              return;
            }
            const from = stagedKey(scope.batchId, bucket, object.key);
            try {
              await putObject(ctx, {
                Bucket: ctx.config.buckets.work,
                Key: from,
                Body: body,
                ContentType: parquet ? 'application/vnd.apache.parquet' : 'application/x-ndjson',
                ...(gzip ? { ContentEncoding: 'gzip' } : {}),
              });
              outputs.push(`s3://${bucket}/${object.key}`);
              staged.push({ bucket, key: object.key, from });
            } catch (error) {
              failAll(written, putError(error), failed);
            }
          }),
        );
      }
      return { failed, outputs: outputs.sort(), staged };
    },
  };
}
