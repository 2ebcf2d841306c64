import { GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/** The failed-record objects of the backup bucket (`errors/year=…/month=…/day=…/<reason>/<batchId>-….jsonl`), each with its lines. ListObjects v1: s3rver answers ListObjectsV2 over 1,000 keys with a 500 on Node 22. */
async function* backupObjects(s3: S3Client, bucket: string, keep: (key: string) => boolean = () => true): AsyncGenerator<{ key: string; lines: string[] }> {
  let marker: string | undefined;
  do {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'errors/', ...(marker ? { Marker: marker } : {}) }));
    for (const object of page.Contents ?? []) {
      if (!keep(object.Key!)) continue;
      const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key! }))).Body!.transformToString();
      yield { key: object.Key!, lines: body.split('\n').filter(Boolean) };
    }
    marker = page.IsTruncated ? page.Contents?.at(-1)?.Key : undefined;
  } while (marker);
}

/** Records in the backup bucket by reason. */
export async function backupReasons(s3: S3Client, bucket: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for await (const { key, lines } of backupObjects(s3, bucket)) {
    const reason = key.split('/')[4] ?? '?';
    counts[reason] = (counts[reason] ?? 0) + lines.length;
  }
  return Object.fromEntries(Object.entries(counts).sort(([, a], [, b]) => b - a));
}

/** The ids of the records a batch backed up. */
export async function backedUpIds(s3: S3Client, bucket: string, batchId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const { lines } of backupObjects(s3, bucket, (key) => key.split('/')[5]?.startsWith(`${batchId}-`) ?? false)) {
    for (const line of lines) ids.add((JSON.parse(line) as { recordId: string }).recordId);
  }
  return ids;
}
