import { GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { gunzipSync } from 'node:zlib';

/**
 * Every key under a prefix, with ListObjects v1 (Marker paging): s3rver answers ListObjectsV2 over
 * 1,000 keys with a 500 on Node 22 (its continuation token uses DES, which OpenSSL 3 dropped).
 * A bucket that does not exist has no keys.
 */
export async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let marker: string | undefined;
  do {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, ...(marker ? { Marker: marker } : {}) })).catch((error: Error) => {
      if (error.name === 'NoSuchBucket') return { Contents: [], IsTruncated: false };
      throw error;
    });
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    marker = page.IsTruncated ? page.Contents?.at(-1)?.Key : undefined;
  } while (marker);
  return keys.sort();
}

/** An object's text, gunzipped when its key ends in `.gz`. */
export async function readText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await object.Body!.transformToByteArray());
  return key.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

/** Every JSON Lines row of the objects under a prefix, read a few objects at a time. */
export async function readLines(s3: S3Client, bucket: string, prefix: string, parallel = 8): Promise<Record<string, unknown>[]> {
  const keys = await listKeys(s3, bucket, prefix);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += parallel) {
    const texts = await Promise.all(keys.slice(i, i + parallel).map((key) => readText(s3, bucket, key)));
    for (const text of texts) for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  return rows;
}
