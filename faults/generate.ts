import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsPayload } from '../contracts/cloudwatch-logs.ts';
import type { FirehoseTransformRequest } from '../contracts/firehose.ts';
import type { PipesKinesisRecord } from '../contracts/pipes-kinesis.ts';
import { businessEvent, pipesRecord } from '../local/samples.ts';
import { pipesBatchesOf } from '../local/sources/kinesis-pipe.ts';

/**
 * The records a cell generates: event `i` of cell `c` carries the tag `c#i` (an S3/S4 event's `event_id`,
 * inside a log event's message), which the audit finds again in every sink, backup and quarantine.
 */
export const tagOf = (cell: string, i: number): string => `${cell}#${i}`;

/** A pattern that finds the tags of one cell in any text (a row, a document, a failure record). */
export const tagPattern = (cell: string): RegExp => new RegExp(`${cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#(\\d+)`, 'g');

const BASE_TIME = Date.UTC(2026, 10, 23, 9, 30, 0);

/** A business event of the seed types (S3/S4 pipelines) with the cell's tag as its `event_id`; ~33 minutes of events per 20,000. */
export const taggedEvent = (cell: string, i: number): Record<string, unknown> => ({ ...businessEvent(i, 100), event_id: tagOf(cell, i) });

/** A CloudWatch Logs DATA_MESSAGE whose log events carry the tags of events `first`…`first+count-1` in their messages. */
export function taggedLogs(cell: string, first: number, count: number): CloudWatchLogsPayload {
  return {
    messageType: 'DATA_MESSAGE',
    owner: '000000000000',
    logGroup: '/aws/lambda/checkout',
    logStream: '2026/11/23/[$LATEST]a1b2c3',
    subscriptionFilters: ['sluice'],
    logEvents: Array.from({ length: count }, (_, k) => {
      const i = first + k;
      return {
        id: `371959028371672839742837462938475019283746${String(i).padStart(14, '0')}`,
        timestamp: BASE_TIME + i * 10,
        message: JSON.stringify({ event_id: tagOf(cell, i), level: 'info', msg: `order ${i} placed`, latency_ms: i % 250 }),
      };
    }),
  };
}

const CONTROL: CloudWatchLogsPayload = { messageType: 'CONTROL_MESSAGE', owner: 'CloudWatchLogs', logGroup: '', logStream: '', subscriptionFilters: [], logEvents: [] };

/**
 * S0: Firehose transformation requests of gzip'd CloudWatch Logs payloads, as `s0Request` builds them
 * (one control message each, dropped by rule), `perRequest` log events each in payloads of `perPayload`.
 * Record ids are unique across the requests, as Firehose numbers a stream's records.
 */
export function s0Requests(cell: string, total: number, perRequest = 500, perPayload = 50): FirehoseTransformRequest[] {
  const requests: FirehoseTransformRequest[] = [];
  for (let first = 0, r = 0; first < total; first += perRequest, r++) {
    const datas: Buffer[] = [];
    for (let p = first; p < Math.min(total, first + perRequest); p += perPayload) datas.push(gzipSync(JSON.stringify(taggedLogs(cell, p, Math.min(perPayload, total - p)))));
    datas.push(gzipSync(JSON.stringify(CONTROL)));
    requests.push({
      invocationId: `${cell}-invocation-${r}`,
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/sluice-ingest',
      region: 'us-east-1',
      records: datas.map((data, k) => ({
        recordId: `49546986683135544286507457936321625675700192471${String(r).padStart(6, '0')}${String(k).padStart(4, '0')}`,
        approximateArrivalTimestamp: BASE_TIME + r * 1000,
        data: data.toString('base64'),
      })),
    });
  }
  return requests;
}

/** The tagged business events as JSON strings (what a producer puts on a stream or in a JSONL object). */
export const taggedLines = (cell: string, total: number): string[] => Array.from({ length: total }, (_, i) => JSON.stringify(taggedEvent(cell, i)));

/** Pipes batches of `size` tagged events, each read from a shard of its own (as many pollers would hand them over). */
export function pipesBatches(cell: string, total: number, size = 500): PipesKinesisRecord[][] {
  // cut as a Pipe cuts a batch: within the payload a Step Functions execution takes
  return pipesBatchesOf(total, size, (i, batch) => pipesRecord(JSON.stringify(taggedEvent(cell, i)), i, `shardId-${String(batch).padStart(12, '0')}`));
}
