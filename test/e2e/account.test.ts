import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../contracts/batch.ts';
import { STATE_PAYLOAD_BYTES } from '../../contracts/config.ts';
import { LocalEngine } from '../../local/engine.ts';
import { keptInput } from '../../local/kept-input.ts';
import { businessEvent, eventsBatch, pipesRecord } from '../../local/samples.ts';
import { account } from '../../tasks/account/index.ts';
import { decode } from '../../tasks/decode/index.ts';
import { emptyBody } from '../../tasks/shared/body.ts';
import { isClaimCheck } from '../../tasks/shared/claim-check.ts';
import { jsonBytes } from '../../tasks/shared/json-bytes.ts';
import { entered, fullPipesBatch, openStack, type Harness } from './harness.ts';

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

  it("backs up a full Pipes batch a later task fails for good by the input its batch carries: a FAILED row and the input kept, not States.DataLimitExceeded", async () => {
    // a schema Ajv cannot compile: validate throws, after decode kept the input and wrote the STARTED row
    const broken = { ...h.stack.config, schemas: { ...h.stack.config.schemas, transaction: { type: 'nonsense' } } };
    const engine = new LocalEngine({ ...h.stack.ctx, config: broken as never }, { skipWaits: true });
    const input = fullPipesBatch('shardId-000000000083');
    const result = await engine.run('kinesis', 's4-events-raw', input);
    expect(result.status).toBe('FAILED');
    expect(result.cause).toMatch(/^schemas\.transaction: schema is invalid/);
    // with the execution's input beside the error, this backup's input was over the limit
    expect(entered(result.events)).toStrictEqual(['Decode records', 'Validate records', "Back up the batch's input", 'Ingest failed']);
    const kept = keptInput(result)!;
    const row = (await h.ledger(kept.batchId))!;
    expect(row).toMatchObject({ status: 'FAILED', error: { Error: 'Error' }, inputKey: `inputs/${kept.batchId}.json` });
    expect(JSON.parse(await h.text('sluice-backup', row.inputKey))).toStrictEqual(input);
  });
});
