import { ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/** The objects under a bucket's prefix (ListObjects v1: s3rver's v2 fails past 1,000 keys on Node 22). */
export async function* objectsUnder(s3: S3Client, bucket: string, prefix: string): AsyncGenerator<{ key: string; size?: number; etag?: string }> {
  let marker: string | undefined;
  do {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, ...(marker ? { Marker: marker } : {}) }));
    for (const object of page.Contents ?? []) if (object.Key) yield { key: object.Key, ...(object.Size === undefined ? {} : { size: object.Size }), ...(object.ETag ? { etag: object.ETag } : {}) };
    marker = page.IsTruncated ? (page.NextMarker ?? page.Contents?.at(-1)?.Key) : undefined;
  } while (marker);
}
