import { describe, expect, it } from 'vitest';
import type { Partition, Rec } from '../../../../../contracts/batch.ts';
import { lakeObjects } from '../../../../../tasks/deliver/sinks/s3-lake/request-builder.ts';

const at = (event_type: string, hour: string): Partition => ({ event_type, year: '2026', month: '11', day: '23', hour });
const rec = (id: string, partition?: Partition): Rec => ({ id, unit: id, data: {}, ...(partition ? { partition } : {}) });
const records = [rec('1', at('click', '09')), rec('2', at('view', '09')), rec('3', at('click', '10')), rec('4', at('click', '09')), rec('5')];
const byKey = (objects: ReturnType<typeof lakeObjects>) =>
  Object.fromEntries(objects.map((o) => [o.key, o.records.map((r) => r.id).sort()]));

describe('lakeObjects', () => {
  it('names the same objects for the same batch, whatever the order of its records', () => {
    const once = byKey(lakeObjects(records, 'lake/', '.jsonl', 'kinesis.s.shard-0.abc'));
    const reversed = byKey(lakeObjects([...records].reverse(), 'lake/', '.jsonl', 'kinesis.s.shard-0.abc'));
    expect(reversed).toStrictEqual(once);
    const shuffled = byKey(lakeObjects([records[3]!, records[0]!, records[4]!, records[2]!, records[1]!], 'lake/', '.jsonl', 'kinesis.s.shard-0.abc'));
    expect(shuffled).toStrictEqual(once);
  });

  it('names other objects for another batch', () => {
    const one = lakeObjects(records, 'lake', '.jsonl', 'batch-1').map((o) => o.key);
    const other = lakeObjects(records, 'lake', '.jsonl', 'batch-2').map((o) => o.key);
    for (const key of other) expect(one).not.toContain(key);
  });

  it('writes one object per Hive partition under the prefix, unpartitioned records apart', () => {
    const objects = lakeObjects(records, 'lake//', '.jsonl.gz', 'b');
    const name = /^part-[0-9a-f]{24}\.jsonl\.gz$/;
    const paths = objects.map((o) => o.key.slice(0, o.key.lastIndexOf('/')));
    expect(paths).toStrictEqual([
      'lake/event_type=click/year=2026/month=11/day=23/hour=09',
      'lake/event_type=view/year=2026/month=11/day=23/hour=09',
      'lake/event_type=click/year=2026/month=11/day=23/hour=10',
      'lake/event_type=unpartitioned',
    ]);
    for (const object of objects) expect(object.key.slice(object.key.lastIndexOf('/') + 1)).toMatch(name);
    expect(byKey(objects)[objects[0]!.key]).toStrictEqual(['1', '4']);
  });

  it('puts no slash in front of the path when the prefix is empty', () => {
    expect(lakeObjects([rec('1')], '', '.parquet', 'b')[0]!.key).toMatch(/^event_type=unpartitioned\/part-[0-9a-f]{24}\.parquet$/);
  });
});
