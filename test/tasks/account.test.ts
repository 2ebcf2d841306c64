import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../contracts/batch.ts';
import { eventsBatch } from '../../local/samples.ts';
import { account } from '../../tasks/account/index.ts';
import { imbalances } from '../../tasks/account/check.ts';
import { decode } from '../../tasks/decode/index.ts';
import { emptyBody } from '../../tasks/shared/body.ts';
import { openStack, type Harness } from '../e2e/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

describe('account', () => {
  it('names every way a batch can fail to balance', () => {
    const counts = { in: 3, delivered: 0, quarantined: 0, dropped: 0, backedUp: 0, failed: 0, pending: 0 };
    const body = {
      ...emptyBody(),
      delivered: [{ id: 'a', unit: 'u1' }, { id: 'a', unit: 'u1' }],
      quarantined: [{ id: 'q', unit: 'u2', reason: 'r', severity: 'error' as const, errors: [], raw: '' }],
      failed: [{ id: 'f', unit: 'u3', data: {} }],
    };
    // 2 delivered + 1 quarantined = 3 = in: the sum balances, and still nothing about it is right
    expect(imbalances(body, counts, ['u1', 'u2', 'u3', 'u4'])).toStrictEqual([
      '1 failed records were never backed up',
      '1 quarantined records were never written to the backup bucket',
      '1 record ids are counted twice',
      'source units without any outcome: u3, u4',
    ]);
    expect(imbalances({ ...emptyBody(), delivered: [{ id: 'a', unit: 'u1' }] }, counts)).toStrictEqual([
      'in=3 but delivered=1 + quarantined=0 + dropped=0 + backedUp=0 = 1',
    ]);
  });

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
