import { gzipSync } from 'node:zlib';
import type { Unit } from '../tasks/decode/unit.ts';
import { businessEvent, cloudWatchPayload } from '../local/samples.ts';

export interface Corpus {
  name: string;
  units: Unit[];
  records: number;
  /**
   * Units per batch, as a workflow hands them to its tasks: a Firehose invocation of 10 subscription payloads
   * (5,000 log events), a Pipes batch of 500 Kinesis records. The chain decodes batch by batch, as the tasks do.
   */
  unitsPerBatch: number;
}

/** The corpus's units in its batches. */
export function batchesOf(corpus: Corpus): Unit[][] {
  const batches: Unit[][] = [];
  for (let i = 0; i < corpus.units.length; i += corpus.unitsPerBatch) batches.push(corpus.units.slice(i, i + corpus.unitsPerBatch));
  return batches;
}

/** CloudWatch Logs events in gzip'd subscription batches, as Firehose records (system S0). */
export function cloudWatchCorpus(events: number, perBatch: number): Corpus {
  const units: Unit[] = [];
  for (let offset = 0; offset < events; offset += perBatch) {
    const payload = cloudWatchPayload(Math.min(perBatch, events - offset), offset);
    units.push({ unit: `r${offset}`, coordinates: `bench/cwl/${offset}`, data: gzipSync(JSON.stringify(payload)).toString('base64'), encoding: 'base64' });
  }
  return { name: `cloudwatch-${events / 1000}k`, units, records: events, unitsPerBatch: 10 };
}

/** Business events of the four seed types, one per Kinesis record (system S4). */
export function eventsCorpus(events: number): Corpus {
  const units: Unit[] = Array.from({ length: events }, (_, i) => ({
    unit: `e${i}`,
    coordinates: `bench/events/${i}`,
    data: Buffer.from(JSON.stringify(businessEvent(i))).toString('base64'),
    encoding: 'base64',
  }));
  return { name: `events-${events / 1000}k`, units, records: events, unitsPerBatch: 500 };
}
