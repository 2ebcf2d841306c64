import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../contracts/batch.ts';
import { eventsBatch } from '../../local/samples.ts';
import { account } from '../../tasks/account/index.ts';
import { decode } from '../../tasks/decode/index.ts';
import { emptyBody } from '../../tasks/shared/body.ts';
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
    await expect(account({ batch: lost, input }, h.stack.ctx)).rejects.toMatchObject({
      name: 'Sluice.AccountingMismatch',
      message: expect.stringContaining(`in=5 but delivered=1`),
    });
  });
});
