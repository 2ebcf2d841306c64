import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FirehoseBuffer } from '../../../local/sources/firehose-buffer.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-buffer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const record = (i: number) => ({ recordId: `r${i}`, approximateArrivalTimestamp: 1000 + i, data: Buffer.from(`record ${i}`).toString('base64') });

describe('a delivery stream buffer on disk', () => {
  it('keeps what was accepted and not processed across a restart, in order', async () => {
    const file = join(dir, 'a.jsonl');
    const buffer = await FirehoseBuffer.open(file);
    await buffer.add([record(1), record(2), record(3)]);
    await buffer.add([record(4)]);
    expect(buffer.peek(Infinity).map((r) => r.recordId)).toStrictEqual(['r1', 'r2', 'r3', 'r4']);
    await buffer.drop(2);
    const reopened = await FirehoseBuffer.open(file);
    expect(reopened.peek(Infinity).map((r) => r.recordId)).toStrictEqual(['r3', 'r4']);
    expect(reopened.size).toMatchObject({ records: 2, oldest: 1003 });
    // processing everything empties the file
    await reopened.drop(2);
    expect(readFileSync(file, 'utf8')).toBe('');
    expect((await FirehoseBuffer.open(file)).size.records).toBe(0);
  });

  it('cuts a transformation request by size, one record at least', async () => {
    const buffer = await FirehoseBuffer.open(undefined);
    await buffer.add([record(1), record(2), record(3)]);
    expect(buffer.peek(18).map((r) => r.recordId)).toStrictEqual(['r1', 'r2']);
    expect(buffer.peek(1).map((r) => r.recordId)).toStrictEqual(['r1']);
  });

  it('a torn last line (a put that never answered) is dropped; damage elsewhere stops the start, naming the line', async () => {
    const torn = join(dir, 'torn.jsonl');
    writeFileSync(torn, `${JSON.stringify(record(1))}\n`);
    appendFileSync(torn, '{"recordId":"r2","approx');
    expect((await FirehoseBuffer.open(torn)).peek(Infinity).map((r) => r.recordId)).toStrictEqual(['r1']);
    const damaged = join(dir, 'damaged.jsonl');
    writeFileSync(damaged, `not json\n${JSON.stringify(record(1))}\n`);
    await expect(FirehoseBuffer.open(damaged)).rejects.toThrow(`${damaged}:1: not a buffered record`);
  });

  it('appends queued while records are being processed are neither lost nor doubled', async () => {
    const file = join(dir, 'race.jsonl');
    const buffer = await FirehoseBuffer.open(file);
    await buffer.add([record(1)]);
    await Promise.all([buffer.drop(1), buffer.add([record(2)]), buffer.add([record(3)])]);
    expect((await FirehoseBuffer.open(file)).peek(Infinity).map((r) => r.recordId)).toStrictEqual(['r2', 'r3']);
  });
});
