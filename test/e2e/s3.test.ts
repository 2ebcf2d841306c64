import { PutObjectCommand } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { businessEvent, eventsBatch, eventsJsonl } from '../../local/samples.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { Names } from '../../workflows/record-chain.ts';
import { configWith, entered, openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  // small chunks, so that a test-sized object is cut into several
  h = await openStack(
    configWith((config) => {
      config.limits.chunkBytes = 4_000;
      config.limits.chunkConcurrency = 1;
    }),
    { routeObjectEvents: true },
  );
});
afterAll(() => h.stop());

const eventFor = (bucket: string, key: string) => objectCreatedFor(bucket, key);

async function put(key: string, body: string | Buffer) {
  await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: body }));
}

describe('s3 workflow on the embedded engine', () => {
  it('S4: raw JSONL written by the kinesis stage starts the s3 workflow, which enriches every record into processed/', async () => {
    const raw = await h.stack.run('kinesis', 's4-events-raw', eventsBatch(20, 'shardId-000000000004'));
    expect(raw.account!.counts).toMatchObject({ in: 23, delivered: 20, quarantined: 3 });
    const triggered = await h.stack.settle();
    expect(triggered.length).toBe((await h.keys('sluice-raw', 'events/')).length);
    expect(triggered.every((t) => t.status === 'SUCCEEDED' && t.pipeline === 's4-events-processed')).toBe(true);
    expect(triggered.reduce((sum, t) => sum + t.account!.counts.delivered, 0)).toBe(20);
    const processed = await h.lines('sluice-lake', 'processed/');
    expect(processed).toHaveLength(20);
    const transaction = processed.find((r) => r.event_type === 'transaction' && r.payload.amount > 1000);
    expect(transaction!.enrichment).toStrictEqual({ amount_category: 'large', is_high_value: true });
    expect(processed.find((r) => r.event_type === 'metric')!.enrichment).toHaveProperty('is_anomaly');
  });

  it('an object written again under its key is another batch: neither write replaces the other in the lake; an event whose write was replaced before it was read reads the later one, and says so', async () => {
    const key = 'uploads/daily.jsonl';
    const body = (tag: string, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ ...businessEvent(i), event_id: `${tag}-${i}` })).join('\n') + '\n';
    const write = async (tag: string, n: number) => {
      const text = body(tag, n);
      const { ETag } = await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: text }));
      return objectCreatedFor('sluice-raw', key, Buffer.byteLength(text), ETag!.replace(/"/g, ''));
    };
    const firstEvent = await write('upload-a', 3);
    const first = await h.stack.run('s3', 's4-events-processed', firstEvent);
    const second = await h.stack.run('s3', 's4-events-processed', await write('upload-b', 5));
    expect([first.account!.counts.delivered, second.account!.counts.delivered]).toStrictEqual([3, 5]);
    expect(second.account!.batchId).not.toBe(first.account!.batchId);
    expect((await h.tagged('sluice-lake', 'processed/', 'upload-a')).map((r) => r.event_id).sort()).toStrictEqual(['upload-a-0', 'upload-a-1', 'upload-a-2']);
    expect(await h.tagged('sluice-lake', 'processed/', 'upload-b')).toHaveLength(5);

    // written again before its event was taken: the event's bytes are gone; it reads the later write, and says so
    const replaced = await write('upload-c', 2);
    const latest = await write('upload-d', 4);
    const said = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const late = await h.stack.run('s3', 's4-events-processed', replaced);
      expect(late.account!.counts.delivered).toBe(4);
      expect(said.mock.calls.map(([line]) => JSON.parse(String(line)) as { message: string; eventEtag: string })).toContainEqual(
        expect.objectContaining({ message: expect.stringContaining('written again after this event'), eventEtag: replaced.detail.object.etag }),
      );
    } finally {
      said.mockRestore();
    }
    expect((await h.stack.run('s3', 's4-events-processed', latest)).account!.counts.delivered).toBe(4);
    expect(await h.tagged('sluice-lake', 'processed/', 'upload-c')).toStrictEqual([]);
    // read as the later write's batch, under its names: its own event wrote the same objects again, not beside them
    expect(await h.tagged('sluice-lake', 'processed/', 'upload-d')).toHaveLength(4);

    // the first write's event again, after the object was written over (S3 delivers an event at least once):
    // the first write's records stay in the lake (they were written over by the later write's, and it had them twice)
    const said2 = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const again = await h.stack.run('s3', 's4-events-processed', firstEvent);
      expect(again.account!.batchId).not.toBe(first.account!.batchId);
      expect((await h.tagged('sluice-lake', 'processed/', 'upload-a')).map((r) => r.event_id).sort()).toStrictEqual(['upload-a-0', 'upload-a-1', 'upload-a-2']);
      expect(await h.tagged('sluice-lake', 'processed/', 'upload-d')).toHaveLength(4);
      // and when that run fails, its failure is the later write's row's: the first write's still says it was delivered
      const bad = Buffer.concat([gzipSync(body('upload-e', 2)), Buffer.alloc(8), gzipSync(body('upload-e', 1))]);
      await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: key, Body: bad }));
      const failed = await h.stack.run('s3', 's4-events-processed', firstEvent);
      expect([failed.status, failed.error]).toStrictEqual(['FAILED', 'Sluice.InvalidInput']);
      expect(await h.ledger(first.account!.batchId)).toMatchObject({ status: 'SUCCEEDED', counts: { delivered: 3 } });
    } finally {
      said2.mockRestore();
    }
  });

  it('an event whose key is empty, or not URL-encoded, names no object: refused for good, nothing read', async () => {
    for (const key of ['', '100%.jsonl']) {
      const event = objectCreatedFor('sluice-raw', 'x');
      (event.detail.object as { key: string }).key = key;
      const result = await h.stack.run('s3', 's4-events-processed', event);
      expect(result.status).toBe('FAILED');
      expect(result.error).toBe('Sluice.InvalidInput');
      expect(result.cause).toContain(key === '' ? 'detail.object.key: empty' : 'is not URL-encoded');
    }
  });

  it('streams a large object in chunks (an execution each), numbers lines across chunks and accounts for every line', async () => {
    const good = eventsJsonl(60).split('\n').filter(Boolean);
    const lines = [...good.slice(0, 30), '', '{"broken": ', Buffer.from([0xc3, 0x28]).toString('latin1'), ...good.slice(30)];
    const body = Buffer.concat(lines.map((line, i) => (i === 32 ? Buffer.from([0xc3, 0x28, 0x0a]) : Buffer.from(`${line}\n`))));
    await put('uploads/big.jsonl', body);
    const result = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/big.jsonl'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 62, delivered: 60, quarantined: 2, dropped: 0, backedUp: 0 });
    const chunks = result.chunks!;
    expect(chunks.map((c) => [c.workflow, c.status])).toStrictEqual([['s3-chunk', 'SUCCEEDED'], ['s3-chunk', 'SUCCEEDED'], ['s3-chunk', 'SUCCEEDED']]);
    expect(entered(chunks[0]!.events)).toContain('Decode chunk');
    // limits.chunkConcurrency = 1: on the embedded stack, one chunk execution at a time
    for (let i = 1; i < chunks.length; i++) {
      expect(Date.parse(chunks[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(chunks[i - 1]!.startedAt) + chunks[i - 1]!.durationMs - 5);
    }
    const quarantine = (await h.lines('sluice-backup', 'errors/')).filter((q) => q.unit.startsWith('uploads/big.jsonl:'));
    expect(quarantine.map((q) => [q.unit, q.errorCode]).sort()).toStrictEqual([
      ['uploads/big.jsonl:32', 'invalid-json'],
      ['uploads/big.jsonl:33', 'invalid-utf8'],
    ]);
    const row = await h.ledger(result.account!.batchId);
    expect(row).toMatchObject({ status: 'SUCCEEDED', workflow: 's3', counts: { in: 62, delivered: 60, quarantined: 2 }, source: { bucket: 'sluice-raw', key: 'uploads/big.jsonl' } });
    expect(await h.ledger(`${result.account!.batchId}.chunk-00000`)).toMatchObject({ status: 'SUCCEEDED' });
    // the chunk that quarantined lines 32 and 33 points at no input: its object's row is the one to redrive
    const quarantining = await h.ledger(`${result.account!.batchId}.chunk-00001`);
    expect(quarantining).toMatchObject({ counts: { quarantined: 2 } });
    expect(quarantining).not.toHaveProperty('inputKey');
  });

  it('runs an object of one chunk through the record chain in its own execution: no chunk object, no chunk execution, the row its own', async () => {
    const lines = [...eventsJsonl(6).split('\n').filter(Boolean), '{"broken": '];
    await put('uploads/one.jsonl', `${lines.join('\n')}\n`);
    const result = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/one.jsonl'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.chunks ?? []).toHaveLength(0);
    expect(entered(result.events)).toStrictEqual([Names.split, Names.oneChunk, Names.validate, Names.enrich, Names.deliver, Names.retry, Names.backup, Names.account]);
    const { batchId, counts } = result.account!;
    expect(counts).toMatchObject({ in: 7, delivered: 6, quarantined: 1, dropped: 0, backedUp: 0 });
    expect(await h.keys('sluice-work', `chunks/${batchId}/`)).toStrictEqual([]);
    const row = await h.ledger(batchId);
    expect(row).toMatchObject({ status: 'SUCCEEDED', workflow: 's3', counts, source: { bucket: 'sluice-raw', key: 'uploads/one.jsonl', lines: 7 } });
    // the event is the row's until the object ends well; no chunk of a run counts into it
    expect(row).not.toHaveProperty('input');
    expect(row).not.toHaveProperty('run');
    const quarantined = (await h.lines('sluice-backup', 'errors/')).filter((q) => q.unit === 'uploads/one.jsonl:7');
    expect(quarantined.map((q) => q.errorCode)).toStrictEqual(['invalid-json']);
  });

  it('gunzips a .gz object and decodes URL-encoded keys', async () => {
    await put('uploads/with space.jsonl.gz', gzipSync(eventsJsonl(5)));
    const result = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/with space.jsonl.gz'));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 5, delivered: 5 });
  });

  it('inflates an object by what its bytes are, not by its name: plain text named .gz is read as it is, gzip named .jsonl inflated; a cut gzip fails for good, naming the object', async () => {
    await put('uploads/plain.jsonl.gz', eventsJsonl(4));
    await put('uploads/packed.jsonl', gzipSync(eventsJsonl(6)));
    const plain = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/plain.jsonl.gz'));
    const packed = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/packed.jsonl'));
    expect([plain.account!.counts, packed.account!.counts]).toMatchObject([{ in: 4, delivered: 4 }, { in: 6, delivered: 6 }]);
    const whole = gzipSync(eventsJsonl(6));
    await put('uploads/cut.jsonl.gz', whole.subarray(0, whole.length - 12));
    const cut = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/cut.jsonl.gz'));
    expect([cut.status, cut.error]).toStrictEqual(['FAILED', 'Sluice.InvalidInput']);
    expect(cut.cause).toContain('s3://sluice-raw/uploads/cut.jsonl.gz');
    expect(cut.cause).toContain('gzip');
    // a member after zero padding, which gunzip leaves unread: refused, not dropped; padding alone is read past
    await put('uploads/padded.jsonl.gz', Buffer.concat([gzipSync(eventsJsonl(3)), Buffer.alloc(64)]));
    await put('uploads/hidden.jsonl.gz', Buffer.concat([gzipSync(eventsJsonl(3)), Buffer.alloc(64), gzipSync(eventsJsonl(2))]));
    expect((await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/padded.jsonl.gz'))).account!.counts).toMatchObject({ in: 3, delivered: 3 });
    const hidden = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/hidden.jsonl.gz'));
    expect([hidden.status, hidden.error]).toStrictEqual(['FAILED', 'Sluice.InvalidInput']);
    expect(hidden.cause).toContain('not zero padding');
  });

  it('an empty object is accounted as nothing, and so is one of a byte order mark alone', async () => {
    await put('uploads/empty.jsonl', '');
    await put('uploads/bom.jsonl', Buffer.from([0xef, 0xbb, 0xbf, 0x0a]));
    for (const key of ['uploads/empty.jsonl', 'uploads/bom.jsonl']) {
      const result = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', key));
      expect(result.status).toBe('SUCCEEDED');
      expect(result.account!.counts.in).toBe(0);
    }
  });

  it('a missing object fails the execution after backing up the event', async () => {
    const result = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/nope.jsonl'));
    expect(result.status).toBe('FAILED');
    expect(entered(result.events)).toStrictEqual([Names.split, Names.backupInput, Names.failed]);
    expect(result.error).toBe('NoSuchKey');
    // the cause names the object, not only "The specified key does not exist." (issue 11)
    expect(result.cause).toContain('s3://sluice-raw/uploads/nope.jsonl');
  });

  it('a record written twice (same object again) is not duplicated in the lake', async () => {
    await put('uploads/twice.jsonl', `${JSON.stringify(businessEvent(7))}\n`);
    const first = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/twice.jsonl'));
    const keys = await h.keys('sluice-lake', 'processed/');
    const second = await h.stack.run('s3', 's4-events-processed', eventFor('sluice-raw', 'uploads/twice.jsonl'));
    expect([first.status, second.status]).toStrictEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(await h.keys('sluice-lake', 'processed/')).toStrictEqual(keys);
  });
});
