import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStack, type Harness } from '../e2e/harness.ts';
import { setTimeout as sleep } from 'node:timers/promises';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

describe('the local S3 keeps S3\'s word', () => {
  it('a copy is a snapshot: the source written again or deleted after it leaves the copy as it was', async () => {
    const s3 = h.stack.servers.s3;
    const get = async (Key: string) => (await s3.send(new GetObjectCommand({ Bucket: 'sluice-work', Key }))).Body!.transformToString();
    await s3.send(new PutObjectCommand({ Bucket: 'sluice-work', Key: 'snapshot/source', Body: 'first', Metadata: { note: 'one' } }));
    await s3.send(new CopyObjectCommand({ Bucket: 'sluice-work', Key: 'snapshot/copy', CopySource: 'sluice-work/snapshot/source' }));
    const copied = await s3.send(new HeadObjectCommand({ Bucket: 'sluice-work', Key: 'snapshot/copy' }));
    await s3.send(new PutObjectCommand({ Bucket: 'sluice-work', Key: 'snapshot/source', Body: 'second, longer', Metadata: { note: 'two' } }));
    expect([await get('snapshot/source'), await get('snapshot/copy')]).toStrictEqual(['second, longer', 'first']);
    const after = await s3.send(new HeadObjectCommand({ Bucket: 'sluice-work', Key: 'snapshot/copy' }));
    expect([after.ETag, after.Metadata]).toStrictEqual([copied.ETag, { note: 'one' }]);
    await s3.send(new DeleteObjectCommand({ Bucket: 'sluice-work', Key: 'snapshot/source' }));
    expect(await get('snapshot/copy')).toBe('first');
  });

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

  it('a kill (SIGKILL) while copying leaves every object whole with its metadata readable (an empty metadata.json made every ListObjects of the bucket fail, and so the next start)', { timeout: 60_000 }, async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-s3rver-kill-'));
    try {
      for (const bucket of ['src', 'dest']) mkdirSync(join(root, bucket));
      for (let kill = 0; kill < 6; kill++) {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/local/s3rver-kill.child.ts', root], { stdio: ['ignore', 'pipe', 'inherit'] });
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await sleep(100 + kill * 37);
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      const size = statSync(join(root, 'src', 'big.jsonl._S3rver_object')).size;
      const files = readdirSync(join(root, 'dest'));
      expect(files.some((f) => f.endsWith('._S3rver_object'))).toBe(true);
      for (const file of files.filter((f) => !f.endsWith('.tmp'))) {
        const path = join(root, 'dest', file);
        if (file.endsWith('._S3rver_object')) expect(statSync(path).size, file).toBe(size);
        if (file.endsWith('._S3rver_metadata.json')) expect(() => JSON.parse(readFileSync(path, 'utf8')), file).not.toThrow();
        if (file.endsWith('._S3rver_object.md5')) expect(readFileSync(path, 'utf8'), file).toMatch(/^[0-9a-f]{32}$/);
      }
      expect(existsSync(root)).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
