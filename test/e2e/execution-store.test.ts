import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionStore } from '../../local/execution-store.ts';
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
