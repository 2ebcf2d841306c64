import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../contracts/batch.ts';
import { STATE_PAYLOAD_BYTES } from '../../contracts/config.ts';
import { fitBatch } from '../../local/sources/kinesis-pipe.ts';
import { businessEvent, eventsBatch, pipesRecord } from '../../local/samples.ts';
import { account } from '../../tasks/account/index.ts';
import { decode } from '../../tasks/decode/index.ts';
import { emptyBody } from '../../tasks/shared/body.ts';
import { isClaimCheck } from '../../tasks/shared/claim-check.ts';
import { jsonBytes } from '../../tasks/shared/json-bytes.ts';
import { openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

describe('account', () => {
  it('fails with Sluice.AccountingMismatch when a record went missing between steps', async () => {
    const input = eventsBatch(2);
    const decoded = (await decode({ pipeline: 's3-events-to-archive', workflow: 'kinesis', input }, h.stack.ctx)) as Batch;
    const lost = { ...decoded, body: { ...emptyBody(), delivered: [{ id: 'x', unit: input[0]!.eventID }] } };
    await expect(account({ batch: lost }, h.stack.ctx)).rejects.toMatchObject({
      name: 'Sluice.AccountingMismatch',
      message: expect.stringContaining(`in=5 but delivered=1`),
    });
  });

  it('takes the execution input from its batch, by claim check when large: a Pipes batch of 261 KB accounts within the payload limit', async () => {
    const batch = (n: number) => Array.from({ length: n }, (_, i) => pipesRecord(JSON.stringify(businessEvent(i)), i, 'shardId-000000000081'));
    // two records fewer than the most a Pipe hands over: room for decode's Parameters around it
    const n = fitBatch(batch(1_000), 1_000) - 2;
    const input = batch(n);
    expect(jsonBytes(input)).toBeGreaterThan(STATE_PAYLOAD_BYTES - 2_000);
    const result = await h.stack.run('kinesis', 's4-events-raw', input);
    // beside its batch, the input itself would take account's state over the limit: States.DataLimitExceeded
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: n, delivered: n });
    expect((await h.ledger(result.account!.batchId))!.status).toBe('SUCCEEDED');
    const state = result.events.find((e) => e.type === 'StateEntered' && e.state?.name === 'Account for every record')!.state!.input as Batch;
    expect(isClaimCheck(state.input)).toBe(true);
    expect(jsonBytes(state) + jsonBytes(input)).toBeGreaterThan(STATE_PAYLOAD_BYTES);
    // a small batch carries its input inline, for the console
    const small = await h.stack.run('kinesis', 's4-events-raw', [0, 1].map((i) => pipesRecord(JSON.stringify(businessEvent(i)), i, 'shardId-000000000082')));
    expect(small.status).toBe('SUCCEEDED');
    const smallState = small.events.find((e) => e.type === 'StateEntered' && e.state?.name === 'Account for every record')!.state!.input as Batch;
    expect(smallState.input).toHaveLength(2);
  });
});
