import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../config/default.ts';
import { bufferedReingest } from '../../../local/sources/buffered-reingest.ts';
import { bufferFileOf, FirehoseBuffer } from '../../../local/sources/firehose-buffer.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('records put back on a delivery stream of a stopped data folder', () => {
  it('wait on disk in the pipeline\'s buffer, where the next start reads them (they were kept in memory, and went with the process)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-reingest-'));
    dirs.push(dir);
    const reingest = bufferedReingest(dir, defaultConfig);
    await reingest('sluice-s1-api-to-newrelic', [Buffer.from('{"message":"one"}'), Buffer.from('{"message":"two"}')]);
    await reingest('sluice-s1-api-to-newrelic', [Buffer.from('{"message":"three"}')]);
    const buffer = await FirehoseBuffer.open(bufferFileOf(dir, 's1-api-to-newrelic'));
    const records = buffer.peek(10_000_000);
    expect(records.map((r) => Buffer.from(r.data, 'base64').toString())).toStrictEqual(['{"message":"one"}', '{"message":"two"}', '{"message":"three"}']);
    expect(new Set(records.map((r) => r.recordId)).size).toBe(3);
  });

  it('refuse a stream no pipeline of the configuration has: nothing is said to be put back that is not', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-reingest-'));
    dirs.push(dir);
    await expect(bufferedReingest(dir, defaultConfig)('sluice-ingest', [Buffer.from('{}')])).rejects.toThrow('no delivery stream named sluice-ingest');
    await expect(bufferedReingest(dir, defaultConfig)('sluice-s2-telemetry-to-lake', [Buffer.from('{}')])).rejects.toThrow('no delivery stream named');
  });
});
