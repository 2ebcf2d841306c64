import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionResult } from '../../local/engine.ts';
import { MemoryCheckpoints } from '../../local/sources/checkpoints.ts';
import { putRecords } from '../../local/sources/kinesis-pipe.ts';
import { PipeRunner, type DeadLetter } from '../../local/sources/pipe-runner.ts';
import { telemetry } from '../../local/samples.ts';
import type { LocalStack } from '../../local/stack.ts';
import { openStack, until, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

describe("the running stack's Pipe, when Step Functions refuses to start a batch", () => {
  it('takes it as a failed invocation (ValidationException, its input over the payload limit): retried in halves, each record taken once', async () => {
    // a stack whose Step Functions refuses inputs of more than two records, as it refuses inputs over 262,144 bytes
    const refused: number[] = [];
    const stack: LocalStack = {
      ...h.stack,
      run: async (workflow, pipeline, input, onEvent) => {
        if (Array.isArray(input) && input.length > 2) {
          refused.push(input.length);
          throw Object.assign(new Error('the execution input is over the payload limit'), { name: 'ValidationException' });
        }
        return h.stack.run(workflow, pipeline, input, onEvent);
      },
    };
    const results: ExecutionResult[] = [];
    const letters: DeadLetter[] = [];
    const runner = new PipeRunner(stack, 's2-telemetry-to-lake', {
      settings: { batchSize: 4, maximumBatchingWindowInSeconds: 0, maximumRetryAttempts: 3 },
      checkpoints: new MemoryCheckpoints(),
      deadLetter: async (letter) => void letters.push(letter),
      onResult: (result) => results.push(result),
      pollMs: 20,
    });
    await putRecords(h.stack, 's2-telemetry-to-lake', Array.from({ length: 4 }, (_, i) => JSON.stringify(telemetry(i))));
    await runner.start();
    await until(() => results.reduce((n, r) => n + (r.account?.counts.in ?? 0), 0) === 4, 'the four records, in halves');
    expect(await runner.stop(5_000)).toBe('stopped');
    expect(refused).toStrictEqual([4]);
    expect(results.map((r) => [r.status, r.account!.counts.in])).toStrictEqual([
      ['SUCCEEDED', 2],
      ['SUCCEEDED', 2],
    ]);
    expect(letters).toStrictEqual([]);
  });
});
