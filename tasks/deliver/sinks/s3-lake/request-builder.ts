import type { Partition, Rec } from '../../../../contracts/batch.ts';
import { digest } from '../../../shared/ids.ts';

export interface LakeObject {
  key: string;
  records: Rec[];
}

const partitionPath = (p: Partition) => `event_type=${p.event_type}/year=${p.year}/month=${p.month}/day=${p.day}/hour=${p.hour}`;

/**
 * Groups records into one object per Hive partition. The object name is a digest of the record ids it
 * holds, so writing the same records again replaces the object instead of adding a duplicate.
 */
export function lakeObjects(records: Rec[], prefix: string, extension: string): LakeObject[] {
  const groups = new Map<string, Rec[]>();
  for (const record of records) {
    const path = record.partition ? partitionPath(record.partition) : 'event_type=unpartitioned';
    const group = groups.get(path);
    if (group) group.push(record);
    else groups.set(path, [record]);
  }
  const base = prefix.replace(/\/+$/, '');
  return [...groups].map(([path, group]) => ({
    key: `${base ? `${base}/` : ''}${path}/part-${digest(group.map((r) => r.id).join('\n'), 24)}${extension}`,
    records: group,
  }));
}
