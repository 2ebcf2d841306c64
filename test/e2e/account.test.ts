import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../contracts/batch.ts';
import { STATE_PAYLOAD_BYTES } from '../../contracts/config.ts';
import { businessEvent, eventsBatch, pipesRecord } from '../../local/samples.ts';
import { account } from '../../tasks/account/index.ts';
import { decode } from '../../tasks/decode/index.ts';
import { emptyBody } from '../../tasks/shared/body.ts';
import { isClaimCheck } from '../../tasks/shared/claim-check.ts';
import { jsonBytes } from '../../tasks/shared/json-bytes.ts';
import { fullPipesBatch, openStack, type Harness } from './harness.ts';

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

  it('takes the execution input from its batch, by claim check when large: a Pipes batch as full as Pipes cuts one runs to the end', async () => {
    // decode takes it bare (no Parameters around it); account, beside its batch, the input by claim check
    const input = fullPipesBatch('shardId-000000000081');
    expect(jsonBytes(input)).toBeGreaterThan(STATE_PAYLOAD_BYTES - 4);
    const result = await h.stack.run('kinesis', 's4-events-raw', input);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: 301, delivered: 300, quarantined: 1 });
    const row = (await h.ledger(result.account!.batchId))!;
    expect(row.status).toBe('SUCCEEDED');
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
