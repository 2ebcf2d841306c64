import { PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/default.ts';
import { replayMissedObjectEvents } from '../../../local/sources/missed-object-events.ts';
import { objectCreatedFor } from '../../../local/s3-events.ts';
import { businessEvent } from '../../../local/samples.ts';
import { openStack } from '../../e2e/harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-missed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const jsonl = (from: number, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ ...businessEvent(from + i), event_id: `missed-${from + i}` })).join('\n');

describe('object events a stop cut off', () => {
  it('are replayed at start for every triggered object without a ledger row, once', async () => {
    // Prepare: two objects written while nothing listened to s3rver's events (a stop between the write
    // and the execution's first step), one object that already ran, one that no trigger matches
    const before = await openStack(defaultConfig, { dataDir: dir });
    const put = (key: string, body: string) => before.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: body }));
    await put('events/a/one.jsonl', jsonl(0, 3));
    await put('events/b/two words.jsonl', jsonl(3, 2));
    const { ETag } = await put('events/c/ran.jsonl', jsonl(5, 4));
    await put('other/not-triggered.jsonl', jsonl(9, 1));
    await put('events/c/not-jsonl.txt', 'x');
    // its event as s3rver's notification makes it, with the write's ETag (which names its batch)
    const ran = await before.stack.run('s3', 's4-events-processed', objectCreatedFor('sluice-raw', 'events/c/ran.jsonl', undefined, ETag));
    expect(ran.status).toBe('SUCCEEDED');
    await before.stack.stop();

    // Act: the next start
    const after = await openStack(defaultConfig, { dataDir: dir });
    try {
      expect(await replayMissedObjectEvents(after.stack)).toBe(2);
      const results = await after.stack.settle();

      // Assess: the two lost objects ran, balanced; the one that ran is not run again
      expect(results.map((r) => [r.status, r.account?.counts.in, r.account?.counts.delivered]).sort()).toStrictEqual([
        ['SUCCEEDED', 2, 2],
        ['SUCCEEDED', 3, 3],
      ]);
      const processed = (await after.lines('sluice-lake', 'processed/')).map((row) => row.event_id as string).sort();
      expect(processed).toStrictEqual(Array.from({ length: 9 }, (_, i) => `missed-${i}`).sort());
      expect(await replayMissedObjectEvents(after.stack)).toBe(0);
    } finally {
      await after.stack.stop();
    }
  });
});
