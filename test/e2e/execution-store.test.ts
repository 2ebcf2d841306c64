import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { claimsFrom, ExecutionStore } from '../../local/execution-store.ts';
import { startInspector } from '../../local/inspector-server.ts';
import { openStack, type Harness } from './harness.ts';

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'sluice-store-'));
beforeAll(async () => {
  h = await openStack();
});
afterAll(async () => {
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a failed execution, kept for the inspector', () => {
  it('says where its input is and offers the redrive, though the account step never ran', async () => {
    const failed = await h.stack.run('kinesis', 's3-events-to-archive', { not: 'a batch' });
    expect(failed.status).toBe('FAILED');
    const store = await ExecutionStore.open(dir);
    await store.add(failed);
    const [entry] = await store.list({ status: 'FAILED' });
    expect(entry).toMatchObject({ pipeline: 's3-events-to-archive', batchId: expect.stringMatching(/^kinesis\./), inputKey: expect.stringMatching(/^s3:\/\/sluice-backup\/inputs\//), error: 'Sluice.InvalidInput' });
    // the store reads back what it wrote, after a restart too
    expect((await (await ExecutionStore.open(dir)).list())[0]).toStrictEqual(entry);
    const inspector = await startInspector({ store, pipelines: ['s3-events-to-archive'], redrive: async () => undefined });
    try {
      const page = await (await fetch(`${inspector.url}/executions/${entry!.id}`)).text();
      expect(page).toContain(`its input is kept at <code>${entry!.inputKey}</code>`);
      expect(page).toContain('id="redrive"');
    } finally {
      await inspector.close();
    }
  });
});

describe('claim-checked payloads, kept with the execution', () => {
  it('copies what a claim check points at when the execution is added, and says which one it could not read', async () => {
    const work = h.stack.config.buckets.work;
    const records = [{ id: 'r-1' }, { id: 'r-2' }];
    await h.stack.ctx.s3.send(new PutObjectCommand({ Bucket: work, Key: 'claims/test/kept.json', Body: JSON.stringify({ records }) }));
    const kept = { ref: { bucket: work, key: 'claims/test/kept.json' }, count: 2, bytes: 999 };
    const gone = { ref: { bucket: work, key: 'claims/test/expired.json' }, count: 5, bytes: 5000 };
    const ok = await h.stack.run('kinesis', 's3-events-to-archive', { not: 'a batch' });
    // the trace of a real execution, with the bodies a big batch would carry
    const result = { ...ok, events: [...ok.events, { type: 'StateEntered', timestamp: Date.now(), state: { name: 'Enrich records', type: 'Task', input: { body: kept } } }, { type: 'StateExited', timestamp: Date.now(), state: { name: 'Enrich records', type: 'Task', input: {}, output: { body: gone } } }] };
    const store = await ExecutionStore.open(join(dir, 'claims'));
    await store.add(result, { readClaim: claimsFrom(h.stack.ctx) });
    const id = ok.executionArn.split(':').pop()!;
    const claims = await store.claims(id);
    expect(claims.get(`s3://${work}/claims/test/kept.json`)).toStrictEqual({ ...kept, value: { records } });
    expect(claims.get(`s3://${work}/claims/test/expired.json`)).toMatchObject({ ...gone, missing: expect.stringContaining(`reading s3://${work}/claims/test/expired.json`) });
    // a record only in a kept payload is found by its id
    expect((await store.list({ q: 'r-2' })).map((e) => e.id)).toStrictEqual([id]);
    const inspector = await startInspector({ store, pipelines: ['s3-events-to-archive'] });
    try {
      const page = await (await fetch(`${inspector.url}/executions/${id}`)).text();
      expect(page).toContain(`claim check s3://${work}/claims/test/kept.json (2 records, 999 bytes): the data, kept with the execution`);
      expect(page).toMatch(/"id": "r-2"/);
      expect(page).toContain(`claim check s3://${work}/claims/test/expired.json (5 records, 5000 bytes): not kept (`);
    } finally {
      await inspector.close();
    }
  });
});
