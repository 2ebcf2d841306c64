import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsPayload } from '../contracts/cloudwatch-logs.ts';
import type { SluiceConfig } from '../contracts/config.ts';
import type { FirehoseTransformRequest, FirehoseTransformResponse } from '../contracts/firehose.ts';
import { firehoseRequest } from '../local/samples.ts';
import { executionInput } from '../tasks/firehose-bridge/index.ts';
import { startStack } from '../local/stack.ts';
import { startStandIns, withStandIns } from '../local/stand-in-destinations.ts';
import { batchesOf, cloudWatchCorpus } from './corpus.ts';

const PIPELINE = 's0-logs-to-opensearch';

/**
 * Seed S0's transformation Lambda as a user would write it by hand: per Firehose record, base64-decode,
 * gunzip, one document per log event of a DATA_MESSAGE; one `_bulk` per invocation; every record Ok
 * unless the request or an item failed. No ids kept, no ledger, no lake copy, no retry of single items.
 */
export async function handwrittenS0(event: FirehoseTransformRequest, endpoint: string, index: string): Promise<FirehoseTransformResponse> {
  const lines: string[] = [];
  const kinds = event.records.map((record) => {
    const payload = JSON.parse(gunzipSync(Buffer.from(record.data, 'base64')).toString('utf8')) as CloudWatchLogsPayload;
    if (payload.messageType !== 'DATA_MESSAGE') return 'Dropped' as const;
    for (const logEvent of payload.logEvents) {
      lines.push(JSON.stringify({ index: { _index: index, _id: logEvent.id } }));
      lines.push(JSON.stringify({ '@timestamp': new Date(logEvent.timestamp).toISOString(), message: logEvent.message, logGroup: payload.logGroup, logStream: payload.logStream, owner: payload.owner }));
    }
    return 'Ok' as const;
  });
  let failed = false;
  if (lines.length > 0) {
    const response = await fetch(`${endpoint}/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
    failed = !response.ok || ((await response.json()) as { errors: boolean }).errors;
  }
  return { records: event.records.map((record, i) => ({ recordId: record.recordId, result: failed && kinds[i] === 'Ok' ? 'ProcessingFailed' : kinds[i]!, data: record.data })) };
}

export interface PeerRates {
  events: number;
  handwrittenPerSecond: number;
  sluicePerSecond: number;
}

/**
 * The same CloudWatch Logs corpus, as Firehose invocations one after another, through the hand-written
 * handler and through sluice's firehose workflow (s0-logs-to-opensearch on the embedded engine: OpenSearch
 * and the gzip'd S3 lake, as configured, with the ledger), both delivering to the OpenSearch stand-in the
 * running stack starts. Each side is checked to have delivered every log event.
 */
export async function peerS0(config: SluiceConfig, events: number): Promise<PeerRates> {
  const corpus = cloudWatchCorpus(events, 500);
  const requests: FirehoseTransformRequest[] = [];
  for (const [i, units] of batchesOf(corpus).entries()) {
    requests.push(firehoseRequest(units.map((unit) => Buffer.from(unit.data, 'base64')), `peer-${i * corpus.unitsPerBatch}`));
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'sluice-peer-'));
  const standIns = await startStandIns(0, dataDir);
  try {
    let started = performance.now();
    for (const request of requests) {
      const response = await handwrittenS0(request, standIns.openSearchUrl, 'cwl-handwritten');
      if (response.records.some((record) => record.result !== 'Ok')) throw new Error('the hand-written handler failed records');
    }
    const handwrittenSeconds = (performance.now() - started) / 1000;
    const count = (await (await fetch(`${standIns.openSearchUrl}/cwl-handwritten/_count`)).json()) as { count: number };
    if (count.count !== events) throw new Error(`the hand-written handler indexed ${count.count} of ${events} events`);

    const stack = await startStack(withStandIns(config, standIns), { skipWaits: true });
    try {
      let delivered = 0;
      started = performance.now();
      for (const request of requests) {
        const result = await stack.run('firehose', PIPELINE, await executionInput(request, stack.ctx));
        if (result.status !== 'SUCCEEDED') throw new Error(`a firehose execution ended ${result.status}: ${result.error ?? ''} ${result.cause ?? ''}`);
        delivered += result.account!.counts.delivered;
      }
      const sluiceSeconds = (performance.now() - started) / 1000;
      if (delivered !== events) throw new Error(`sluice delivered ${delivered} of ${events} events`);
      return { events, handwrittenPerSecond: events / handwrittenSeconds, sluicePerSecond: events / sluiceSeconds };
    } finally {
      await stack.stop();
    }
  } finally {
    await standIns.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
