import { describe, expect, it } from 'vitest';
import { imbalances } from '../../../tasks/account/check.ts';
import { emptyBody } from '../../../tasks/shared/body.ts';

describe('account: what does not balance', () => {
  const counts = { in: 3, delivered: 0, quarantined: 0, dropped: 0, backedUp: 0, failed: 0, pending: 0 };

  it('names every way a batch can fail to balance', () => {
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

  it('a chunk knows how many lines it holds: each needs an outcome', () => {
    const body = { ...emptyBody(), delivered: [{ id: 'a', unit: 'k:1' }, { id: 'b', unit: 'k:1' }, { id: 'c', unit: 'k:2' }] };
    expect(imbalances(body, counts, 2)).toStrictEqual([]);
    expect(imbalances(body, counts, 3)).toStrictEqual(['the chunk has 3 lines but 2 of them have an outcome']);
  });
});
