import { randomInt } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsPayload } from '../../contracts/cloudwatch-logs.ts';

/** Uncompressed bytes of log events per subscription payload (CloudWatch delivers batches of at most about 1 MB). */
const PAYLOAD_BYTES = 256 * 1024;

/**
 * What a CloudWatch Logs subscription filter hands a delivery stream: log lines as DATA_MESSAGE
 * payloads, gzip'd, each event with a unique 56-digit id (what S0 keys its OpenSearch documents by).
 * Ids are the event time, a number drawn once per process and a counter: unique across restarts too.
 */
export class CloudWatchSubscription {
  private readonly origin = String(randomInt(0, 2 ** 47)).padStart(18, '0');
  private counter = 0;

  /** The gzip'd payloads (Firehose records) and the ids of the events in them, in order. */
  wrap(logGroup: string, logStream: string, lines: string[], now = Date.now()): { records: Buffer[]; ids: string[] } {
    const records: Buffer[] = [];
    const ids: string[] = [];
    let events: CloudWatchLogsPayload['logEvents'] = [];
    let bytes = 0;
    const seal = () => {
      if (events.length === 0) return;
      const payload: CloudWatchLogsPayload = { messageType: 'DATA_MESSAGE', owner: '000000000000', logGroup, logStream, subscriptionFilters: ['sluice-local'], logEvents: events };
      records.push(gzipSync(JSON.stringify(payload)));
      events = [];
      bytes = 0;
    };
    for (const message of lines) {
      const id = `${String(now).padStart(20, '0')}${this.origin}${String(this.counter++).padStart(18, '0')}`;
      if (bytes + message.length > PAYLOAD_BYTES) seal();
      events.push({ id, timestamp: now, message });
      ids.push(id);
      bytes += message.length + 80;
    }
    seal();
    return { records, ids };
  }
}
