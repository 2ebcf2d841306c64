import { Client, errors } from '@opensearch-project/opensearch';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OpenSearchStandIn } from '../../../local/stand-ins/opensearch.ts';
import { rawGet } from '../../doubles/raw-request.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-os-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the OpenSearch stand-in, through the official client', () => {
  it('answers 400 to a request target it cannot read, and goes on (it threw out of the server and stopped the stack)', async () => {
    const standIn = new OpenSearchStandIn({ dataDir: mkdtempSync(join(tmpdir(), 'sluice-os-target-')) });
    await standIn.start();
    try {
      expect(await rawGet(standIn.url, '//a:b@/_count')).toBe('HTTP/1.1 400 Bad Request');
      expect((await fetch(standIn.url)).status).toBe(200);
    } finally {
      await standIn.stop();
    }
  });

  it('takes _bulk (create: 409 for an id that exists), and _count, _doc and _search read it back; a restart keeps it', async () => {
    const standIn = new OpenSearchStandIn({ dataDir: dir });
    await standIn.start();
    const client = new Client({ node: standIn.url });
    const bulk = await client.bulk({
      body: [
        { create: { _index: 'cwl', _id: 'a' } }, { level: 'info', msg: 'one' },
        { create: { _index: 'cwl', _id: 'b' } }, { level: 'error', msg: 'two' },
        { index: { _index: 'cwl', _id: 'c' } }, { level: 'error', msg: 'three' },
        { create: { _index: 'cwl', _id: 'a' } }, { level: 'info', msg: 'again' },
        { delete: { _index: 'cwl', _id: 'c' } },
      ],
    });
    expect(bulk.body.errors).toBe(true);
    expect(bulk.body.items.map((item: Record<string, { status: number }>) => Object.values(item)[0]!.status)).toStrictEqual([201, 201, 201, 409, 200]);
    expect((await client.count({ index: 'cwl' })).body.count).toBe(2);
    expect((await client.count({ index: 'cwl', body: { query: { term: { level: 'error' } } } })).body.count).toBe(1);
    expect((await client.get({ index: 'cwl', id: 'a' })).body).toMatchObject({ found: true, _source: { msg: 'one' } });
    await expect(client.get({ index: 'cwl', id: 'c' })).rejects.toMatchObject({ meta: { statusCode: 404 } });
    const search = await client.search({ index: 'cwl', body: { query: { term: { level: 'info' } } } });
    expect(search.body.hits.total).toMatchObject({ value: 1 });
    expect(search.body.hits.hits.map((hit) => hit._id)).toStrictEqual(['a']);
    const info = await fetch(standIn.url);
    expect([info.headers.get('x-sluice-stand-in'), ((await info.json()) as { tagline: string }).tagline]).toStrictEqual(['opensearch', "sluice's OpenSearch stand-in (not OpenSearch)"]);
    await client.close();
    await standIn.stop();

    const restarted = new OpenSearchStandIn({ dataDir: dir });
    await restarted.start();
    expect(((await (await fetch(`${restarted.url}/cwl/_count`)).json()) as { count: number }).count).toBe(2);
    expect(((await (await fetch(`${restarted.url}/cwl/_search?q=level:error`)).json()) as { hits: { total: { value: number } } }).hits.total.value).toBe(1);
    expect((await fetch(`${restarted.url}/nope/_doc/x`)).status).toBe(404);
    await restarted.stop();
  });

  it('refuses a body over its maxContentLength with 413, as a cluster does, still saying it is a stand-in; the client throws a ResponseError with meta.statusCode 413', async () => {
    // a body of the limit exactly is taken (the client sends NDJSON), one a byte longer refused
    const fits = [{ create: { _index: 'cwl', _id: 'a' } }, { text: 'a' }];
    const over = [{ create: { _index: 'cwl', _id: 'b' } }, { text: 'bb' }];
    const limit = fits.map((line) => `${JSON.stringify(line)}\n`).join('').length;
    const standIn = new OpenSearchStandIn({ maxContentLength: limit });
    await standIn.start();
    const client = new Client({ node: standIn.url });

    expect((await client.bulk({ body: fits })).body.items).toHaveLength(1);
    const refused = await client.bulk({ body: over }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(errors.ResponseError);
    expect(refused).toMatchObject({ meta: { statusCode: 413, body: { Message: `Request size exceeded ${limit} bytes` }, headers: { 'x-sluice-stand-in': 'opensearch' } } });
    expect(((await (await fetch(`${standIn.url}/cwl/_count`)).json()) as { count: number }).count).toBe(1);
    await client.close();
    await standIn.stop();
  });
});
