import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { keptAt, ledgerRowReader } from '../../inspect/deployed-machines.ts';
import { LogGroupExecutions } from '../../inspect/log-group-executions.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { startInspector } from '../../local/inspector-server.ts';
import { startStack, type LocalStack } from '../../local/stack.ts';
import { cloudWatchLogEvents, fakeFilterLogEvents } from '../doubles/cloudwatch-execution-logs.ts';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = 'dist/inspector';
const PIPELINE = 's2-telemetry-to-lake';
const GROUP = `/aws/vendedlogs/states/sluice-${PIPELINE}`;
const idOf = (result: ExecutionResult) => result.executionArn.split(':').pop()!;
const awsArn = (id: string) => `arn:aws:states:eu-west-1:123456789012:express:sluice-${PIPELINE}:${id}:${id}`;

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack(defaultConfig, { skipWaits: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A deployed stack's executions, read from log events written as AWS writes them from real local runs (only CloudWatch Logs is replaced). */
describe.skipIf(!existsSync(CHROMIUM))('sluice inspect --aws, in Chromium', () => {
  it('lists the logged executions, opens one, shows a state\'s data, and offers the redrive of a failed batch', async () => {
    const succeeded = await stack.run('kinesis', PIPELINE, JSON.parse(readFileSync('examples/s2-telemetry-to-lake.kinesis.json', 'utf8')));
    const failed = await stack.run('kinesis', PIPELINE, { not: 'a batch' });
    const events = [succeeded, failed].flatMap((result) => cloudWatchLogEvents(result, awsArn(idOf(result))));
    const source = new LogGroupExecutions({
      send: fakeFilterLogEvents({ [GROUP]: events }).send,
      machines: [{ pipeline: PIPELINE, workflow: 'kinesis', logGroupName: GROUP }],
      windowMs: 3 * 3_600_000,
      ledgerRow: ledgerRowReader(stack.ctx),
      keptAt: keptAt(stack.ctx),
    });
    const redriven: string[] = [];
    const inspector = await startInspector({ store: source, pipelines: [PIPELINE], redrive: async (batchId) => (redriven.push(batchId), { batchId, skipped: 'recorded' }) });
    try {
      const page = await browser.newPage();
      await page.goto(inspector.url);
      const rows = page.locator('#executions tr:not(:first-child)');
      expect(await rows.count()).toBe(2);
      expect(await rows.locator('.status').allTextContents()).toStrictEqual(['FAILED (Sluice.InvalidInput)', 'SUCCEEDED']);
      await page.screenshot({ path: `${SHOTS}/aws-list.png`, fullPage: true });

      await page.selectOption('select[name=status]', 'SUCCEEDED');
      await page.click('button:has-text("Find")');
      await rows.first().locator('a').first().click();
      expect(await page.locator('h1').textContent()).toBe(`${PIPELINE} SUCCEEDED`);
      expect(await page.locator('svg').count()).toBeGreaterThan(0);
      await page.click('g.state[data-state="Deliver to sinks"]');
      expect(await page.locator('#state-time').textContent()).toMatch(/^1 time\(s\) entered, \d+ ms/);
      expect(await page.locator('#state-details details[open] summary').allTextContents()).toStrictEqual(['input', 'output']);
      await page.screenshot({ path: `${SHOTS}/aws-execution.png`, fullPage: true });

      await page.goto(`${inspector.url}/executions/${idOf(failed)}`);
      expect(await page.locator('h1').textContent()).toBe(`${PIPELINE} FAILED`);
      await page.click('#redrive button');
      await page.waitForURL(/\/executions\//);
      expect(redriven).toHaveLength(1);
      await page.screenshot({ path: `${SHOTS}/aws-failed.png`, fullPage: true });
    } finally {
      await inspector.close();
    }
  });
});
