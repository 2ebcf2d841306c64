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

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'dist/inspector';
const dir = mkdtempSync(join(tmpdir(), 'sluice-inspect-'));
let running: RunningStack;
let browser: Browser;

const until = async (done: () => Promise<boolean>, what: string) => {
  const end = Date.now() + 30_000;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
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
    expect((await post('s3-events-to-archive', [1, 2, 3].map((i) => ({ ...businessEvent(i), event_id: `find-me-${i}` })))).status).toBe(202);
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

    await page.goto(`${running.endpoints.inspect}/?status=BACKED_UP`);
    await rows().first().locator('a').first().click();
    expect(await page.locator('h1').textContent()).toMatch(/^s3-events-to-archive SUCCEEDED batch BACKED_UP$/);
    expect(await page.locator('svg').count()).toBeGreaterThan(0);
    expect(await page.locator('table.events tr').count()).toBeGreaterThan(10);
    // a state of the graph, clicked: its time, input and output, as the console's panel shows them
    await page.click('g.state[data-state="Deliver to sinks"]');
    expect(await page.locator('#state-name').textContent()).toBe('Deliver to sinks');
    expect(await page.locator('#state-time').textContent()).toMatch(/^1 time\(s\) entered, \d+ ms/);
    expect(await page.locator('#state-details details[open] summary').allTextContents()).toStrictEqual(['input', 'output']);
    await page.screenshot({ path: `${SHOTS}/backed-up.png`, fullPage: true });

    await page.click('#redrive button');
    await page.waitForURL(/\/executions\//);
    expect(await page.locator('h1').textContent()).toBe('s3-events-to-archive SUCCEEDED');
    await page.screenshot({ path: `${SHOTS}/redriven.png`, fullPage: true });
    const redriven = await api('pipeline=s3-events-to-archive&status=SUCCEEDED');
    expect(redriven).toHaveLength(1);
    expect(redriven[0]).toMatchObject({ redrove: expect.any(String) });
    ddb.destroy();
  });
});
