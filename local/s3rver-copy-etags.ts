interface CopyingStore {
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata?: Record<string, string>): Promise<unknown>;
}

interface Notification {
  Records?: { eventName?: string; s3?: { bucket?: { name?: string }; object?: { key?: string; eTag?: string } } }[];
}

/**
 * S3 names the ETag of every object an ObjectCreated event is about, a copy's too; s3rver leaves it out of
 * its `ObjectCreated:Copy` records, although the copy's metadata it has just read holds it. Seed S4's raw
 * objects are committed by CopyObject, so without it the s3 workflow could not tell which write of a key an
 * event is about (an event delivered again after the key was written over). The store's copy notes the
 * ETag it read; s3rver raises the copy's event right after, in the same turn of the event loop, and `fill`
 * puts the ETag into it.
 */
export function copyEtags(store: CopyingStore): (notification: Notification) => void {
  const copied = new Map<string, string>();
  const copy = store.copyObject.bind(store);
  store.copyObject = async (...args) => {
    const metadata = (await copy(...args)) as { etag?: string } | undefined;
    // kept as s3rver keeps it, in quotes: its Put records unquote it (JSON.parse) the same way
    if (metadata?.etag) copied.set(`${args[2]}/${args[3]}`, JSON.parse(metadata.etag) as string);
    return metadata;
  };
  return (notification) => {
    for (const record of notification.Records ?? []) {
      const object = record.s3?.object;
      if (record.eventName !== 'ObjectCreated:Copy' || !object?.key || object.eTag) continue;
      const id = `${record.s3?.bucket?.name}/${object.key}`;
      const etag = copied.get(id);
      copied.delete(id);
      if (etag) object.eTag = etag;
    }
  };
}
