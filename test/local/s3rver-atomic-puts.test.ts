import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStack, type Harness } from '../e2e/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

describe('the local S3 keeps S3\'s word', () => {
  it('a GET racing PUTs of the same key reads a whole object, old or new, never half of one', async () => {
    const s3 = h.stack.servers.s3;
    const bodies = ['a', 'b'].map((c) => c.repeat(400_000));
    const reads: string[] = [];
    for (let round = 0; round < 15; round++) {
      await Promise.all([
        ...bodies.map((Body) => s3.send(new PutObjectCommand({ Bucket: 'sluice-work', Key: 'claims/race.json', Body }))),
        ...Array.from({ length: 4 }, async () => {
          const object = await s3.send(new GetObjectCommand({ Bucket: 'sluice-work', Key: 'claims/race.json' })).catch(() => undefined);
          if (object) reads.push(await object.Body!.transformToString());
        }),
      ]);
    }
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect(bodies).toContain(read);
  });
});
