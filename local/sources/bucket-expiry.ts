import { DeleteObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * A bucket's lifecycle expiration, which s3rver does not apply: every object last modified more than
 * `maxAgeMs` before `now` is deleted, a listing page at a time (ListObjects v1: s3rver's v2 fails past 1,000
 * keys on Node 22), fewer when `stopped` says so. The work bucket needs it locally: the staged lake objects a
 * commit copied, and the claim checks made outside an execution, would otherwise stay in the data folder for
 * good (on AWS its rule lets them go after a day). Returns how many objects went.
 */
export async function expireObjects(s3: S3Client, bucket: string, options: { maxAgeMs: number; now?: number; stopped?: () => boolean }): Promise<number> {
  const { maxAgeMs, now = Date.now(), stopped = () => false } = options;
  let deleted = 0;
  let marker: string | undefined;
  do {
    const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, ...(marker ? { Marker: marker } : {}) }));
    for (const object of page.Contents ?? []) {
      if (stopped()) return deleted;
      if (!object.Key || !object.LastModified || now - object.LastModified.getTime() <= maxAgeMs) continue;
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
      deleted++;
    }
    // the marker is a key: a page's deleted objects move nothing after it
    marker = page.IsTruncated ? (page.NextMarker ?? page.Contents?.at(-1)?.Key) : undefined;
  } while (marker && !stopped());
  return deleted;
}
