import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PACKED_SEQUENCES_CHARS, unpackSequences } from '../../contracts/batch-sequences.ts';
import { claimKey } from '../../contracts/ledger.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { streamOf } from '../../local/servers.ts';
import { MemoryCheckpoints } from '../../local/sources/checkpoints.ts';
import { PipeRunner } from '../../local/sources/pipe-runner.ts';
import { openStack, until, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(async () => {
  await h.stop();
});

describe('a claim of the largest batch a Pipe hands over', () => {
  it('is kept whole: 10,000 records of 2 bytes with a batch size of 10,000 come in batches cut to 262,144 characters, whose claims stay far under 64 KB', async () => {
    const pipeline = 's3-events-to-archive';
    for (let i = 0; i < 20; i++) {
      await h.stack.servers.kinesis.send(new PutRecordsCommand({ StreamName: streamOf(pipeline), Records: Array.from({ length: 500 }, (_, j) => ({ Data: Buffer.from('{}'), PartitionKey: `k${j}` })) }));
    }
    const results: ExecutionResult[] = [];
    const runner = new PipeRunner(h.stack, pipeline, {
      settings: { batchSize: 10_000, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: 3 },
      checkpoints: new MemoryCheckpoints(),
      deadLetter: async () => {},
      onResult: (result) => results.push(result),
      pollMs: 20,
    });
    await runner.start();
    const taken = () => results.reduce((n, r) => n + (r.account?.counts.in ?? 0), 0);
    await until(() => taken() === 10_000, 'every record taken', 120_000);
    expect(await runner.stop(5_000)).toBe('stopped');
    // the envelope, not the batch size, bounds a batch: under 500 records
    expect(Math.max(...results.map((r) => r.account!.counts.in))).toBeLessThan(500);
    for (const result of results) {
      const claim = (await h.stack.ctx.ddb.send(new GetCommand({ TableName: h.stack.config.ledgerTable, Key: { batchId: claimKey(result.account!.batchId) } }))).Item!;
      expect(unpackSequences(String(claim.sequences))).toHaveLength(result.account!.counts.in);
      expect(String(claim.sequences).length).toBeLessThan(MAX_PACKED_SEQUENCES_CHARS / 4);
    }
  }, 180_000);
});
