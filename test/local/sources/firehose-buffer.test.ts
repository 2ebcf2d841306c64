import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('the batch in hand is read back after a restart as it was cut, with the steps it had done; later records wait for the next', async () => {
    const file = join(dir, 'batch.jsonl');
    const buffer = await FirehoseBuffer.open(file);
    await buffer.add([record(1), record(2)]);
    const batch = await buffer.next(Infinity);
    await buffer.add([record(3)]);
    // a failure after the transformation: the same batch is the next one still
    const transformed = { at: 5000, ok: [{ ...record(1), data: 'T2s=' }], failed: [] };
    await buffer.note('transformed', transformed);
    expect(await buffer.next(Infinity)).toBe(batch);
    // a kill: what the file says is what a restart goes on with, read back and written again in one line
    for (let restart = 0; restart < 2; restart++) {
      const reopened = await FirehoseBuffer.open(file);
      expect(await reopened.next(Infinity)).toStrictEqual({ id: batch.id, records: [record(1), record(2)], transformed, backedUp: [] });
      expect(reopened.size.records).toBe(3);
    }
    const reopened = await FirehoseBuffer.open(file);
    await reopened.next(Infinity);
    await reopened.note('undelivered', []);
    await reopened.drop(2);
    const next = await (await FirehoseBuffer.open(file)).next(Infinity);
    expect(next.records).toStrictEqual([record(3)]);
    expect(next.id).not.toBe(batch.id);
    expect(next.transformed).toBeUndefined();
  });

  it('a note of a batch that is not the one in hand is damage, named by its line', async () => {
    const file = join(dir, 'stray.jsonl');
    writeFileSync(file, `${JSON.stringify(record(1))}\n${JSON.stringify({ batch: { id: 'b1', undelivered: [] } })}\n`);
    await expect(FirehoseBuffer.open(file)).rejects.toThrow(`${file}:2: a note of batch b1, not the batch in hand (none)`);
  });

  it('appends queued while records are being processed are neither lost nor doubled', async () => {
    const file = join(dir, 'race.jsonl');
    const buffer = await FirehoseBuffer.open(file);
    await buffer.add([record(1)]);
    await Promise.all([buffer.drop(1), buffer.add([record(2)]), buffer.add([record(3)])]);
    expect((await FirehoseBuffer.open(file)).peek(Infinity).map((r) => r.recordId)).toStrictEqual(['r2', 'r3']);
  });

  it('a write that fails refuses its put and nothing else: the records are not kept, later writes go on once the disk does, half a line left behind is written over', async () => {
    const file = join(dir, 'failing.jsonl');
    const buffer = await FirehoseBuffer.open(file);
    await buffer.add([record(1), record(2)]);
    // the disk refuses: the file is a directory for a while
    rmSync(file);
    mkdirSync(file);
    await expect(buffer.add([record(3)])).rejects.toThrow(/EISDIR/);
    await expect(buffer.next(Infinity)).rejects.toThrow(/EISDIR/);
    // the refused put is not in the buffer: its producer puts it again, and it must not be delivered twice
    expect(buffer.peek(Infinity).map((r) => r.recordId)).toStrictEqual(['r1', 'r2']);
    // the disk is back, with half a line where the failed append stopped
    rmSync(file, { recursive: true });
    writeFileSync(file, `${JSON.stringify(record(1))}\n{"recordId":"r3","appro`);
    await buffer.add([record(4)]);
    const batch = await buffer.next(Infinity);
    expect(batch.records.map((r) => r.recordId)).toStrictEqual(['r1', 'r2', 'r4']);
    const reopened = await FirehoseBuffer.open(file);
    expect(reopened.peek(Infinity).map((r) => r.recordId)).toStrictEqual(['r1', 'r2', 'r4']);
    expect((await reopened.next(Infinity)).id).toBe(batch.id);
  });
});
