import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deliverToHttpEndpoint } from '../../../local/stand-ins/firehose-http-delivery.ts';
import { NewRelicStandIn } from '../../../local/stand-ins/new-relic.ts';
import { OpenSearchStandIn } from '../../../local/stand-ins/opensearch.ts';
import { readJsonLines } from '../../../local/read-json-lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-json-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A folder whose file ends as a SIGKILL during an append of several pages leaves it: whole lines, then part of one. */
function torn(file: string, whole: unknown[], part: unknown): string {
  const folder = mkdtempSync(join(dir, 'data-'));
  writeFileSync(join(folder, file), whole.map((line) => `${JSON.stringify(line)}\n`).join('') + JSON.stringify(part).slice(0, 20));
  return folder;
}

describe("a stand-in's file that a kill cut off in the middle of a line", () => {
  it('New Relic: starts with the whole lines, the torn one cut off the file; what comes next is a line of its own', async () => {
    const folder = torn('new-relic.jsonl', [{ message: 'kept' }], { message: 'cut off by the kill', record_id: 'r1' });
    const first = new NewRelicStandIn({ dataDir: folder });
    await first.start();
    expect(first.logs).toStrictEqual([{ message: 'kept' }]);
    await deliverToHttpEndpoint({ url: first.firehoseUrl, accessKey: 'k', retryDurationSeconds: 0, records: [Buffer.from('{"message":"delivered again"}')] });
    await first.stop();

    const second = new NewRelicStandIn({ dataDir: folder });
    await second.start();
    expect(second.logs).toStrictEqual([{ message: 'kept' }, { message: 'delivered again' }]);
    await second.stop();
  });

  it('OpenSearch: starts with the documents whole on disk, the torn operation cut off', async () => {
    const folder = torn('opensearch.jsonl', [{ op: 'put', index: 'cwl', id: 'a', doc: { msg: 'kept' } }], { op: 'put', index: 'cwl', id: 'b', doc: { msg: 'cut off' } });
    const standIn = new OpenSearchStandIn({ dataDir: folder });
    await standIn.start();
    const count = (await (await fetch(`${standIn.url}/cwl/_count`)).json()) as { count: number };
    await standIn.stop();
    expect(count.count).toBe(1);
    expect(readFileSync(join(folder, 'opensearch.jsonl'), 'utf8')).toBe(`${JSON.stringify({ op: 'put', index: 'cwl', id: 'a', doc: { msg: 'kept' } })}\n`);
  });

  it('damage before the last line stops the start, naming the line; no file is no lines', async () => {
    const file = join(dir, 'damaged.jsonl');
    writeFileSync(file, '{"a":1}\n{"b":\n{"c":3}\n');
    await expect(readJsonLines(file)).rejects.toThrow(`${file}:2: not a JSON line`);
    expect(await readJsonLines(join(dir, 'none.jsonl'))).toStrictEqual([]);
  });
});
