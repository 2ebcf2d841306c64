import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { KEY_ATTRIBUTE } from '../../contracts/sinks.ts';
import { startRunningStack, type RunningStack } from '../../local/running-stack.ts';
import { businessEvent } from '../../local/samples.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'dist/inspector';
const dir = mkdtempSync(join(tmpdir(), 'sluice-inspect-'));
let running: RunningStack;
let browser: Browser;

const until = async (done: () => Promise<boolean>, what: string) => {
  const end = Date.now() + 30_000;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
};

beforeAll(async () => {
  running = await startRunningStack(defaultConfig, { dataDir: join(dir, 'data'), port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await running?.stop(5_000);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!existsSync(CHROMIUM))('sluice inspect, in Chromium', () => {
  it('lists executions, filters them, finds a record by id, opens one, and redrives a backed-up batch to success', async () => {
    const ddb = new DynamoDBClient({ endpoint: running.endpoints.dynamodb, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    // the sink table is gone: the archive's records are backed up, and the batch ends BACKED_UP
    await ddb.send(new DeleteTableCommand({ TableName: 'sluice-events' }));
    const post = (pipeline: string, events: object[]) => fetch(`${running.endpoints.ingest}/pipelines/${pipeline}/records`, { method: 'POST', body: events.map((e) => JSON.stringify(e)).join('\n') });
    const testStarted = new Date().toISOString();
    const unpaid: Record<string, unknown> = { ...businessEvent(9), event_id: 'find-me-unpaid' };
    delete unpaid.payload;
    expect((await post('s3-events-to-archive', [...[1, 2, 3].map((i) => ({ ...businessEvent(i), event_id: `find-me-${i}` })), unpaid])).status).toBe(202);
    expect((await post('s4-events-raw', [4, 5].map((i) => ({ ...businessEvent(i), event_id: `other-${i}` })))).status).toBe(202);
    const api = async (query: string) => (await (await fetch(`${running.endpoints.inspect}/api/executions?${query}`)).json()) as { id: string; status: string }[];
    await until(async () => (await api('status=BACKED_UP')).length === 1 && (await api('pipeline=s4-events-processed')).length > 0, 'a backed-up batch and the S4 executions');
    await ddb.send(new CreateTableCommand({ TableName: 'sluice-events', AttributeDefinitions: [{ AttributeName: KEY_ATTRIBUTE, AttributeType: 'S' }], KeySchema: [{ AttributeName: KEY_ATTRIBUTE, KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
    await until(async () => (await ddb.send(new DescribeTableCommand({ TableName: 'sluice-events' }))).Table?.TableStatus === 'ACTIVE', 'the table');

    const page = await browser.newPage();
    await page.goto(running.endpoints.inspect!);
    const rows = () => page.locator('#executions tr:not(:first-child)');
    expect(await rows().count()).toBeGreaterThanOrEqual(3);
    await page.screenshot({ path: `${SHOTS}/list.png`, fullPage: true });

    await page.selectOption('select[name=status]', 'BACKED_UP');
    await page.click('button:has-text("Find")');
    expect(await rows().count()).toBe(1);
    expect(await rows().first().locator('.status').textContent()).toBe('BACKED_UP');

    // a record id is found in the traces
    await page.selectOption('select[name=status]', '');
    await page.fill('input[name=q]', 'find-me-2');
    await page.click('button:has-text("Find")');
    expect(await rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain('s3-events-to-archive');
    await page.fill('input[name=q]', 'nobody-sent-this');
    await page.click('button:has-text("Find")');
    expect(await page.locator('#none').isVisible()).toBe(true);

    // by time: the last 15 minutes hold them all, nothing started before this test
    await page.fill('input[name=q]', '');
    await page.selectOption('select[name=last]', '15m');
    await page.click('button:has-text("Find")');
    expect(await rows().count()).toBeGreaterThanOrEqual(3);
    const all = await api('');
    expect((await api('last=15m')).map((e) => e.id)).toEqual(expect.arrayContaining(all.map((e) => e.id)));
    await page.selectOption('select[name=last]', '');
    await page.fill('input[name=until]', testStarted);
    await page.click('button:has-text("Find")');
    expect(await page.locator('#none').isVisible()).toBe(true);
    expect(await api(`since=${encodeURIComponent(testStarted)}&status=BACKED_UP`)).toHaveLength(1);
    expect(await api(`until=${encodeURIComponent(testStarted)}`)).toStrictEqual([]);
    const refused = await fetch(`${running.endpoints.inspect}/api/executions?since=yesterday`);
    expect([refused.status, await refused.text()]).toStrictEqual([400, '<p>since: not an ISO 8601 time: yesterday (e.g. 2026-12-06T04:30:00Z)</p>']);

    await page.goto(`${running.endpoints.inspect}/?status=BACKED_UP`);
    await rows().first().locator('a').first().click();
    expect(await page.locator('h1').textContent()).toMatch(/^s3-events-to-archive SUCCEEDED batch BACKED_UP$/);
    expect(await page.locator('table.events tr').count()).toBeGreaterThan(10);
    // the graph: Catch transitions labelled with their errors, Choice transitions with their conditions
    const labels = async (kind: string) => page.locator(`svg g.edge.${kind} text.label`).allTextContents();
    expect(await labels('catch')).toStrictEqual(Array(8).fill('catch States.ALL'));
    expect(await labels('choice')).toStrictEqual([
      '$.counts.failed > 0and $.retry.again == trueand $.retry.elapsedSeconds < 140and $.retry.delaySeconds <= 16',
      '$.counts.failed > 0or $.counts.quarantined > 0',
    ]);
    expect(await labels('default')).toStrictEqual(['otherwise']);
    // the path taken, and states coloured by outcome
    expect(await page.locator('g.edge.taken').evaluateAll((edges) => edges.map((e) => `${e.getAttribute('data-from')}→${e.getAttribute('data-to')}`))).toEqual(
      expect.arrayContaining(['Decode records→Validate records', 'Validate records→Enrich records', 'Back up failed and quarantined records→Account for every record', 'Account for every record→Reply to Pipes']),
    );
    expect(await page.locator('g.edge.catch.taken').count()).toBe(0);
    expect(await page.locator('g.state[data-state="Decode records"]').getAttribute('class')).toBe('state succeeded');
    for (const tail of ['Back up whole input', "Back up the batch's input"]) expect(await page.locator(`g.state[data-state="${tail}"]`).getAttribute('class')).toBe('state not-visited');
    // a state of the graph, clicked: its outcome, time in the state, input and output, as the console's panel shows them
    const deliver = page.locator('g.state[data-state="Account for every record"]');
    const ms = await deliver.getAttribute('data-duration-ms');
    // the time in the state is its exit less its entry, as the event table has them
    const at = (type: string) => page.locator(`table.events tr.${type}[data-state="Account for every record"]`).getAttribute('data-ms');
    expect(Number(ms)).toBe(Number(await at('StateExited')) - Number(await at('StateEntered')));
    expect(await deliver.locator('text.subtitle').textContent()).toMatch(/^Task · (\d+ ms|[\d.]+ s)$/);
    await deliver.click();
    expect(await page.locator('#state-name').textContent()).toBe('Account for every record');
    expect(await page.locator('#state-outcome').textContent()).toBe('succeeded');
    expect(await page.locator('#state-time').textContent()).toBe(`1 time(s) entered, ${ms} ms in the state in all`);
    expect(await page.locator('#state-details details[open] summary').allTextContents()).toStrictEqual(['input', 'output']);
    await page.locator('svg').first().screenshot({ path: `${SHOTS}/backed-up-graph.png` });
    await page.screenshot({ path: `${SHOTS}/backed-up.png`, fullPage: true });

    await page.click('#redrive button');
    await page.waitForURL(/\/executions\//);
    expect(await page.locator('h1').textContent()).toBe('s3-events-to-archive SUCCEEDED');
    await page.screenshot({ path: `${SHOTS}/redriven.png`, fullPage: true });
    // the batch of the event without payload also succeeded; only the redrive says what it redrove
    const redriven = (await api('pipeline=s3-events-to-archive&status=SUCCEEDED')).filter((e) => 'redrove' in e);
    expect(redriven).toHaveLength(1);
    expect(redriven[0]).toMatchObject({ redrove: expect.any(String) });

    // the event without its payload (its own shard, so its own batch): quarantined, and the page says why
    await page.goto(`${running.endpoints.inspect}/?q=find-me-unpaid`);
    await rows().first().locator('a').first().click();
    const unpaidRow = page.locator('#set-aside tr.quarantined');
    expect(await unpaidRow.count()).toBe(1);
    expect(await unpaidRow.locator('.reason').textContent()).toMatch(/\S/);
    expect(await unpaidRow.textContent()).toContain('payload');
    await page.screenshot({ path: `${SHOTS}/quarantined.png`, fullPage: true });
    ddb.destroy();
  }, 120_000);

  it('shows the data of a batch over the claim-check threshold, kept with its execution, not the pointer', async () => {
    // Firehose hands the transform what it buffered, 1 MB by default: such an invocation is well over 200 KB
    // (a Pipes batch is not since Pipes caps a Step Functions target's payload at 256 KB)
    const big = Array.from({ length: 100 }, (_, i) => ({ message: `big-${i} ${'x'.repeat(12_000)}`, level: 'info' }));
    for (let i = 0; i < big.length; i += 25) {
      const response = await fetch(`${running.endpoints.ingest}/pipelines/s1-api-to-newrelic/records`, { method: 'POST', body: big.slice(i, i + 25).map((e) => JSON.stringify(e)).join('\n') });
      expect(response.status).toBe(202);
    }
    const found = async () => (await (await fetch(`${running.endpoints.inspect}/api/executions?q=big-`)).json()) as { id: string; counts?: { in: number } }[];
    await until(async () => (await found()).some((e) => (e.counts?.in ?? 0) > 20), 'a firehose invocation of the big records');
    const execution = (await found()).find((e) => (e.counts?.in ?? 0) > 20);
    const page = await browser.newPage();
    await page.goto(`${running.endpoints.inspect}/executions/${execution!.id}`);
    await page.click('g.state[data-state="Enrich records"]');
    const input = page.locator('#state-details details').first();
    // two claim checks: the Firehose request the batch carries for account (the bridge's), and the batch's body
    const notes = await input.locator('p.claim').allTextContents();
    expect(notes).toHaveLength(2);
    for (const note of notes) expect(note).toMatch(/^claim check s3:\/\/sluice-work\/claims\/\S+ \(\d+ records, \d+ bytes\): the data, kept with the execution$/);
    const shown = await input.locator('pre').textContent();
    expect(shown).toContain('"records": [');
    expect(shown).toMatch(/big-\d+/);
    expect(shown).not.toContain('"ref"');
    await page.locator('#state-panel').screenshot({ path: `${SHOTS}/claim-checked.png` });
  }, 120_000);
});
