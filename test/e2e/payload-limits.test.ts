import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_PAYLOAD_BYTES } from '../../contracts/config.ts';
import { PIPES_TARGET_PAYLOAD_CHARS } from '../../contracts/pipe-settings.ts';
import { jsonBytes } from '../../tasks/shared/json-bytes.ts';
import { fitBatch } from '../../local/sources/kinesis-pipe.ts';
import { businessEvent, eventsJsonl, pipesRecord } from '../../local/samples.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { configWith, entered, fullPipesBatch, openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  // no claim checks (a setting the configuration's check refuses): bodies stay in the states, whatever their size
  h = await openStack(configWith((config) => (config.limits.claimCheckBytes = 100_000_000)));
});
afterAll(() => h.stop());

describe("the embedded engine holds states to AWS's payload limit (262,144 bytes)", () => {
  it('refuses to start an execution whose input is over it, as StartExecution does, and runs one just under it', async () => {
    const batch = (n: number) => Array.from({ length: n }, (_, i) => pipesRecord(JSON.stringify(businessEvent(i)), i, 'shardId-000000000071'));
    // the most a Pipe would hand over: one more is over the limit
    const n = fitBatch(batch(1_000), 1_000);
    await expect(h.stack.run('kinesis', 's4-events-raw', batch(n + 1))).rejects.toThrow(/^sluice-kinesis-s4-events-raw: the execution input is \d+ bytes, over the 262144-byte payload limit/);
    await expect(h.stack.run('kinesis', 's4-events-raw', batch(n + 1))).rejects.toMatchObject({ name: 'ValidationException' });
    // nothing ran: no ledger row, no kept input
    expect(await h.keys('sluice-backup', 'inputs/')).toStrictEqual([]);
    const fits = await h.stack.run('kinesis', 's4-events-raw', batch(n).slice(0, 100));
    expect(fits.status).toBe('SUCCEEDED');
  });

  it("fails the execution when a task's input, after its Parameters, is over it: a full Pipes batch decode cannot read, with its error, at 'Back up whole input'", async () => {
    const full = fullPipesBatch('shardId-000000000072');
    expect(fitBatch(full, 1_000)).toBe(full.length);
    expect(jsonBytes(full)).toBeGreaterThan(PIPES_TARGET_PAYLOAD_CHARS - 4);
    // a record without its sequence number: the batch does not match its contract, and decode throws
    const { sequenceNumber: _, ...unreadable } = full[0]!;
    const result = await h.stack.run('kinesis', 's4-events-raw', [unreadable, ...full.slice(1)]);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.DataLimitExceeded');
    expect(result.cause).toMatch(/^the state\/task 'Back up whole input' of sluice-kinesis-s4-events-raw was given an input \(after its Parameters\) of \d+ bytes, over the 262144-byte payload limit/);
    // decode took the batch bare, and its error was caught; the backup of the input with that error is what is over
    expect(entered(result.events)).toStrictEqual(['Decode records', 'Back up whole input']);
    expect(result.events.filter((e) => e.type === 'StateCaught')).toHaveLength(1);
  });

  it('fails the execution when a task returns more, with States.DataLimitExceeded, which no Catch takes', async () => {
    // one chunk of about 400 KB: decode hands on its records inline (no claim check here), over the limit
    const body = eventsJsonl(2_000);
    expect(Buffer.byteLength(body)).toBeGreaterThan(STATE_PAYLOAD_BYTES);
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: 'uploads/over-the-limit.jsonl', Body: body }));
    const result = await h.stack.run('s3', 's4-events-processed', objectCreatedFor('sluice-raw', 'uploads/over-the-limit.jsonl'));
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.DataLimitExceeded');
    expect(result.cause).toMatch(/returned a result of \d+ bytes, over the 262144-byte payload limit/);
    // the workflow's catch-all (States.ALL) did not take it: the execution ended in the state that failed
    expect(entered(result.events)).toStrictEqual(['Read object, split it if over one chunk']);
    expect(result.events.some((e) => e.type === 'StateCaught' || e.type === 'StateRetried')).toBe(false);
  });
});
