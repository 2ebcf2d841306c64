import { CopyObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStack, type Harness } from '../e2e/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const outcome = (write: Promise<unknown>) =>
  write.then(
    () => 'written',
    (error: { name: string; $metadata?: { httpStatusCode?: number } }) => `${error.$metadata?.httpStatusCode} ${error.name}`,
  );
const read = async (key: string) => (await h.stack.servers.s3.send(new GetObjectCommand({ Bucket: 'sluice-work', Key: key }))).Body!.transformToString();

describe('the local S3 honours S3\'s conditional writes (If-None-Match: *)', () => {
  it('a PutObject or CopyObject with If-None-Match: * writes only where the key holds nothing, else 412 PreconditionFailed; without it, it overwrites', async () => {
    const s3 = h.stack.servers.s3;
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: 'sluice-work', Key: 'conditional/a', Body: 'first', IfNoneMatch: '*' })))).toBe('written');
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: 'sluice-work', Key: 'conditional/a', Body: 'second', IfNoneMatch: '*' })))).toBe('412 PreconditionFailed');
    expect(await read('conditional/a')).toBe('first');
    expect(await outcome(s3.send(new CopyObjectCommand({ Bucket: 'sluice-work', Key: 'conditional/b', CopySource: 'sluice-work/conditional/a', IfNoneMatch: '*' })))).toBe('written');
    expect(await outcome(s3.send(new CopyObjectCommand({ Bucket: 'sluice-work', Key: 'conditional/b', CopySource: 'sluice-work/conditional/a', IfNoneMatch: '*' })))).toBe('412 PreconditionFailed');
    expect(await outcome(s3.send(new PutObjectCommand({ Bucket: 'sluice-work', Key: 'conditional/a', Body: 'third' })))).toBe('written');
    expect(await read('conditional/a')).toBe('third');
  });

  it('of several conditional writes of one key at once, one writes', async () => {
    const writes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => outcome(h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-work', Key: 'conditional/race', Body: `writer ${i}`, IfNoneMatch: '*' })))),
    );
    expect(writes.filter((w) => w === 'written')).toHaveLength(1);
    expect(writes.filter((w) => w === '412 PreconditionFailed')).toHaveLength(5);
    expect(await read('conditional/race')).toBe(`writer ${writes.indexOf('written')}`);
  });
});
