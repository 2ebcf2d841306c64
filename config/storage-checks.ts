import type { S3LakeSinkConfig, SluiceConfig } from '../contracts/config.ts';
import { lakeKeyPrefix } from '../contracts/sinks.ts';

/** A lake sink's objects: `<prefix>/<partitions>/part-<digest><extension>` in its bucket (tasks/deliver/sinks/s3-lake). */
function lakeWrites(config: SluiceConfig, sink: S3LakeSinkConfig): { bucket: string; prefix: string; extension: string } {
  const extension = sink.format === 'parquet' ? '.parquet' : `.jsonl${sink.gzip ? '.gz' : ''}`;
  return { bucket: sink.bucket ?? config.buckets.lake, prefix: lakeKeyPrefix(sink.prefix), extension };
}

/** Whether some object a lake sink writes could start a pipeline's trigger (its bucket, its prefix, its suffix). */
function mayTrigger(writes: ReturnType<typeof lakeWrites>, trigger: { bucket: string; prefix?: string; suffix?: string }): boolean {
  const prefix = trigger.prefix ?? '';
  const suffix = trigger.suffix ?? '';
  return (
    writes.bucket === trigger.bucket &&
    (writes.prefix.startsWith(prefix) || prefix.startsWith(writes.prefix)) &&
    (writes.extension.endsWith(suffix) || suffix.endsWith(writes.extension))
  );
}

/**
 * Pipelines whose lake objects start, through s3 triggers, a chain that comes back to them: each pass's
 * output the next one's input, for ever (one event made 1,143 records in 30 s, and counting, in a test).
 */
export function triggerLoops(config: SluiceConfig): string[] {
  const names = Object.keys(config.pipelines);
  const next = new Map<string, string[]>();
  for (const name of names) {
    const writes = config.pipelines[name]!.sinks.flatMap((sink) => (sink.type === 's3-lake' ? [lakeWrites(config, sink)] : []));
    next.set(name, names.filter((other) => {
      const trigger = config.pipelines[other]!.trigger;
      return config.pipelines[other]!.workflow === 's3' && trigger !== undefined && writes.some((w) => mayTrigger(w, trigger));
    }));
  }
  const problems: string[] = [];
  const reported = new Set<string>();
  const walk = (path: string[]): void => {
    for (const following of next.get(path.at(-1)!)!) {
      if (following === path[0]) {
        const loop = [...path, following];
        const key = [...path].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          problems.push(`pipelines: ${loop.join(' -> ')}: each writes lake objects where the next one's trigger listens, a loop that never ends (write the lake under another prefix or bucket, or narrow the trigger)`);
        }
      } else if (!path.includes(following)) walk([...path, following]);
    }
  };
  for (const name of names) walk([name]);
  return problems;
}

/**
 * The work bucket lets its objects go after a day, the backup bucket after `retention.backupDays`: a lake, a
 * raw bucket or a trigger's bucket that is either of them would lose what it holds.
 */
export function expiringBuckets(config: SluiceConfig): string[] {
  const holders: [string, string][] = [
    ['buckets.raw', config.buckets.raw],
    ['buckets.lake', config.buckets.lake],
    ...Object.entries(config.pipelines).flatMap(([name, pipeline]) => [
      ...pipeline.sinks.flatMap((sink, i): [string, string][] => (sink.type === 's3-lake' && sink.bucket ? [[`pipelines.${name}.sinks.${i}.bucket`, sink.bucket]] : [])),
      ...(pipeline.trigger ? [[`pipelines.${name}.trigger.bucket`, pipeline.trigger.bucket] as [string, string]] : []),
    ]),
  ];
  const problems: string[] = [];
  if (config.buckets.work === config.buckets.backup) problems.push(`buckets.backup: "${config.buckets.backup}" is the work bucket too, whose objects go after a day`);
  for (const [expiring, why] of [
    ['work', 'whose objects go after a day'],
    ['backup', 'whose objects go after retention.backupDays'],
  ] as const) {
    for (const [at, bucket] of holders) {
      if (bucket === config.buckets[expiring]) problems.push(`${at}: "${bucket}" is the ${expiring} bucket, ${why}: what it holds would go with them`);
    }
  }
  return problems;
}
