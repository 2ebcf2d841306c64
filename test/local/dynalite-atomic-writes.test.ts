import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';

/** Every row as the table has it, and every entry of the status index, after the writer was killed. */
async function readBack(path: string) {
  const server = dynalite({ createTableMs: 0, path });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dynamo = new DynamoDBClient({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    const rows = new Map<string, string>();
    for (const item of (await dynamo.send(new ScanCommand({ TableName: 'ledger' }))).Items ?? []) rows.set(item.batchId!.S!, `${item.status!.S} ${item.at!.S}`);
    const entries: string[] = [];
    for (const status of ['STARTED', 'SUCCEEDED']) {
      const query = await dynamo.send(new QueryCommand({ TableName: 'ledger', IndexName: 'by-status', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: status } } }));
      for (const item of query.Items ?? []) entries.push(`${item.batchId!.S} ${status} ${item.at!.S}`);
    }
    return { rows, entries };
  } finally {
    dynamo.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('the local DynamoDB keeps an item and its index entries in step', () => {
  it('a kill (SIGKILL) while rows change status leaves the status index listing each row once, at the status it has (a row STARTED that the index lost was never swept again)', { timeout: 60_000 }, async () => {
    const path = mkdtempSync(join(tmpdir(), 'sluice-dynalite-kill-'));
    try {
      for (let kill = 0; kill < 4; kill++) {
        const child = spawn(process.execPath, ['--import', 'tsx', 'test/local/dynalite-kill.child.ts', path], { stdio: ['ignore', 'pipe', 'inherit']});
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await sleep(700 + kill * 113);
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      const { rows, entries } = await readBack(path);
      expect(rows.size).toBeGreaterThan(100);
      expect(entries.sort()).toEqual([...rows].map(([batchId, state]) => `${batchId} ${state}`).sort());
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});
