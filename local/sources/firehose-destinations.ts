import { gzipSync } from 'node:zlib';
import { putObject } from '../../tasks/shared/s3-objects.ts';
import type { BufferedRecord, FailedRecord } from './firehose-batch.ts';
import type { Destination } from './firehose-stream.ts';
import { deliverToHttpEndpoint } from '../stand-ins/firehose-http-delivery.ts';
import type { LocalStack } from '../stack.ts';

const stamp = (ms: number) => new Date(ms).toISOString();

/**
 * The S3 destination of a metadata-mode stream (S0): the records' data, concatenated and gzip'd, under
 * `firehose-metadata/<pipeline>/yyyy/MM/dd/HH/` in the backup bucket, as the CDK app configures it. A
 * failed put throws: the batch stays buffered and the stream puts it again (Firehose retries S3 for 24 h),
 * under the same name, so a put that did land before its answer was lost is overwritten, not doubled.
 */
export function s3Destination(stack: LocalStack, pipeline: string): Destination {
  return {
    failedType: 's3-failed',
    async deliver(records: BufferedRecord[], batch: { id: string; since: number }): Promise<FailedRecord[]> {
      const hour = stamp(batch.since).slice(0, 13).replace(/[-T]/g, '/');
      const key = `firehose-metadata/${pipeline}/${hour}/sluice-${pipeline}-1-${stamp(batch.since).replace(/[:.]/g, '-')}-${batch.id}.gz`;
      const body = gzipSync(Buffer.concat(records.map((record) => Buffer.from(record.data, 'base64'))));
      await putObject(stack.ctx, { Bucket: stack.config.buckets.backup, Key: key, Body: body });
      return [];
    },
  };
}

/**
 * The HTTP endpoint destination of a transform-mode stream (S1 to New Relic): Firehose's HTTP endpoint
 * delivery protocol, retried for the retry duration, the batch's id as its requestId; what it gives up
 * on is handed back for the backup bucket (`http-endpoint-failed`).
 */
export function httpEndpointDestination(url: string, retryDurationSeconds: number, accessKey = process.env.SLUICE_NEW_RELIC_KEY ?? 'local-stand-in-key'): Destination {
  return {
    failedType: 'http-endpoint-failed',
    async deliver(records: BufferedRecord[], batch: { id: string; since: number }): Promise<FailedRecord[]> {
      const result = await deliverToHttpEndpoint({
        url,
        accessKey,
        retryDurationSeconds,
        requestId: batch.id,
        startedAt: batch.since,
        gzip: true,
        records: records.map((record) => Buffer.from(record.data, 'base64')),
      });
      const now = Date.now();
      return result.failed.map((failure, i) => ({
        attemptsMade: failure.attempts,
        arrivalTimestamp: records[i]!.approximateArrivalTimestamp,
        errorCode: failure.errorCode,
        errorMessage: failure.errorMessage,
        attemptEndingTimestamp: now,
        rawData: failure.record.toString('base64'),
      }));
    },
  };
}
