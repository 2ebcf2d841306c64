import { GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Records in the backup bucket by reason (`errors/year=…/month=…/day=…/<reason>/…jsonl`, one line a
 * record). ListObjects v1: s3rver answers ListObjectsV2 over 1,000 keys with a 500 on Node 22.
 */
export async function backupReasons(s3: S3Client, bucket: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let marker: string | undefined;
  do {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'errors/', ...(marker ? { Marker: marker } : {}) }));
    for (const object of page.Contents ?? []) {
      const reason = object.Key!.split('/')[4] ?? '?';
      const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }))).Body!.transformToString();
      counts[reason] = (counts[reason] ?? 0) + body.split('\n').filter(Boolean).length;
    }
    marker = page.IsTruncated ? page.Contents?.at(-1)?.Key : undefined;
  } while (marker);
  return Object.fromEntries(Object.entries(counts).sort(([, a], [, b]) => b - a));
}
