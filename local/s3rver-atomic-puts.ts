import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<unknown>;
  putMetadata(bucket: string, key: string, metadata: unknown, md5?: string): Promise<void>;
  putObject(object: { bucket: string; key: string; content: Buffer | Readable; metadata: unknown }): Promise<{ size: number; md5: string }>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata?: Record<string, string>): Promise<unknown>;
}

/** The metadata s3rver keeps with an object (as its own putMetadata picks it). */
const ALLOWED_METADATA = (createRequire(import.meta.url)('s3rver/lib/models/object.js') as { ALLOWED_METADATA: string[] }).ALLOWED_METADATA;

/** A file written aside, then renamed into place: a reader, or the next start after a kill, sees the old file or the new, never a part. */
async function replaceFile(path: string, write: (aside: string) => Promise<void>): Promise<void> {
  const aside = `${path}.${randomUUID()}.tmp`;
  try {
    await write(aside);
    await rename(aside, path);
  } catch (error) {
    await rm(aside, { force: true });
    throw error;
  }
}

/**
 * A copy of a file the store never changes in place (every write here goes aside, then is renamed over it): a
 * hard link, which copies no data; a later PUT of the source renames a new file into its place and leaves the
 * copy as it was, as S3's copy is a snapshot. Where links cannot be made (another device, a file system
 * without them), the bytes are copied. Used for an object's metadata.json and object.md5 only: the object's
 * own file is copied, since its time is the copy's LastModified (s3rver reads it from the file), which S3 sets
 * to the copy's time. A CopyObject took 2.2-2.5 ms of CPU so, against 2.5-2.9 copying all three (one run each).
 */
async function copyUnchanging(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    await copyFile(from, to);
  }
}

const unlessMissing = (error: NodeJS.ErrnoException) => {
  if (error.code !== 'ENOENT') throw error;
};

/**
 * S3 PUTs are atomic: a GET sees the old object or the new one. s3rver writes an object where it lives,
 * and answers a PUT of a small body before it is on disk, so a GET racing it (or right after it) can
 * read half an object — seen as JSON cut short when two executions of one batch shared a claim check.
 * The stand-in is made to keep S3's word: the body is written aside, then renamed into place.
 */
/*
 * Its metadata files and CopyObject go the same way: s3rver writes `.md5` and `metadata.json` in place
 * (truncated, then written) and copies an object file by file, so a kill (SIGKILL of `sluice start`) in
 * between left an empty `metadata.json`, on which every later ListObjects of the bucket failed with
 * InternalError (and so the next start, which lists the triggers' buckets), or half an object copied into
 * the lake, which the commit's check (the object is there) then never wrote again.
 */
export function atomicPuts(store: FilesystemStore): void {
  store.putMetadata = async (bucket, key, metadata, md5) => {
    const kept: Record<string, unknown> = {};
    for (const [name, value] of Object.entries((metadata ?? {}) as Record<string, unknown>)) {
      if (ALLOWED_METADATA.includes(name) || name.startsWith('x-amz-meta-')) kept[name] = value;
    }
    if (md5) await replaceFile(store.getResourcePath(bucket, key, 'object.md5'), (aside) => writeFile(aside, md5));
    await replaceFile(store.getResourcePath(bucket, key, 'metadata.json'), (aside) => writeFile(aside, JSON.stringify(kept, null, 2)));
  };
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const from = (resource: string) => store.getResourcePath(srcBucket, srcKey, resource);
    const to = (resource: string) => store.getResourcePath(destBucket, destKey, resource);
    const moved = from('object') !== to('object');
    if (moved) {
      await mkdir(dirname(to('object')), { recursive: true });
      await replaceFile(to('object'), (aside) => copyFile(from('object'), aside));
    }
    if (replacementMetadata) await store.putMetadata(destBucket, destKey, replacementMetadata);
    else if (moved) {
      for (const resource of ['metadata.json', 'object.md5']) await replaceFile(to(resource), (aside) => copyUnchanging(from(resource), aside)).catch(unlessMissing);
    }
    return store.getMetadata(destBucket, destKey);
  };
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    const aside = `${objectPath}.${randomUUID()}.tmp`;
    const md5 = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipeline(Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content, measure, createWriteStream(aside));
      await rename(aside, objectPath);
    } catch (error) {
      await rm(aside, { force: true });
      throw error;
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}
