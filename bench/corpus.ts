import { gzipSync } from 'node:zlib';
import type { Unit } from '../tasks/decode/unit.ts';
import { businessEvent, cloudWatchPayload } from '../local/samples.ts';

export interface Corpus {
  name: string;
  units: Unit[];
  records: number;
}

/** CloudWatch Logs events in gzip'd subscription batches, as Firehose records (system S0). */
export function cloudWatchCorpus(events: number, perBatch: number): Corpus {
  const units: Unit[] = [];
  for (let offset = 0; offset < events; offset += perBatch) {
    const payload = cloudWatchPayload(Math.min(perBatch, events - offset), offset);
    units.push({ unit: `r${offset}`, coordinates: `bench/cwl/${offset}`, data: gzipSync(JSON.stringify(payload)).toString('base64'), encoding: 'base64' });
  }
  return { name: `cloudwatch-${events / 1000}k`, units, records: events };
}

/** Business events of the four seed types, one per Kinesis record (system S4). */
export function eventsCorpus(events: number): Corpus {
  const units: Unit[] = Array.from({ length: events }, (_, i) => ({
    unit: `e${i}`,
    coordinates: `bench/events/${i}`,
    data: Buffer.from(JSON.stringify(businessEvent(i))).toString('base64'),
    encoding: 'base64',
  }));
  return { name: `events-${events / 1000}k`, units, records: events };
}
