import type { Partition, Rec } from '../../../../contracts/batch.ts';
import { lakeKeyPrefix } from '../../../../contracts/sinks.ts';
import { digest } from '../../../shared/ids.ts';

export interface LakeObject {
  key: string;
  records: Rec[];
}

const partitionPath = (p: Partition) => `event_type=${p.event_type}/year=${p.year}/month=${p.month}/day=${p.day}/hour=${p.hour}`;

/**
 * Groups records into one object per Hive partition and batch. The name comes from the batch id, which
 * comes from the batch's source coordinates: a retried, redelivered or redriven batch rewrites the same
 * objects. A batch cut differently (a Pipes bisection) names new objects, which is safe only because
 * nothing of a batch is visible before its account step commits it (see the lake sink).
 */
export function lakeObjects(records: Rec[], prefix: string, extension: string, batchId: string): LakeObject[] {
  const groups = new Map<string, Rec[]>();
  for (const record of records) {
    const path = record.partition ? partitionPath(record.partition) : 'event_type=unpartitioned';
    const group = groups.get(path);
    if (group) group.push(record);
    else groups.set(path, [record]);
  }
  const name = `part-${digest(batchId, 24)}`;
  return [...groups].map(([path, group]) => ({ key: `${lakeKeyPrefix(prefix)}${path}/${name}${extension}`, records: group }));
}

/** Where an object of the lake waits in the work bucket until its batch is committed. */
export const stagedKey = (batchId: string, bucket: string, key: string): string => `staged/${batchId}/${bucket}/${key}`;
