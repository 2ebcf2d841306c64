import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { gunzipSync } from 'node:zlib';
import { defaultConfig } from '../../config/default.ts';
import type { SluiceConfig } from '../../contracts/config.ts';
import { PIPES_TARGET_PAYLOAD_CHARS } from '../../contracts/pipe-settings.ts';
import type { PipesKinesisRecord } from '../../contracts/pipes-kinesis.ts';
import { jsonBytes } from '../../tasks/shared/json-bytes.ts';
import { businessEvent, pipesRecord } from '../../local/samples.ts';
import { startStack, type LocalStack, type StackOptions } from '../../local/stack.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** The default configuration with some parts replaced, e.g. smaller limits or an OpenSearch endpoint. */
export function configWith(change: (config: SluiceConfig) => void): SluiceConfig {
  const config = structuredClone(defaultConfig);
  change(config);
  return config;
}

/**
 * A Pipes batch as full as Pipes cuts one: 300 S4 events of one shard and a last record whose data fills the
 * JSON array to within 4 bytes of the 262,144 characters a Step Functions target takes.
 */
export function fullPipesBatch(shard: string): PipesKinesisRecord[] {
  const head = Array.from({ length: 300 }, (_, i) => pipesRecord(JSON.stringify(businessEvent(i)), i, shard));
  const room = PIPES_TARGET_PAYLOAD_CHARS - jsonBytes(head) - 1;
  let pad = Math.floor((room * 3) / 4);
  while (jsonBytes(pipesRecord('x'.repeat(pad), 300, shard)) > room) pad -= 1;
  return [...head, pipesRecord('x'.repeat(pad), 300, shard)];
}

/** `n` S4 business events as a Pipes batch of one shard, their `event_id`s `<tag>-<i>`, to find them in a lake. */
export const taggedEvents = (tag: string, shard: string, n: number) =>
  Array.from({ length: n }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `${tag}-${i}` }), i, shard));

export async function openStack(config: SluiceConfig = defaultConfig, options: StackOptions = {}) {
  const stack: LocalStack = await startStack(config, { skipWaits: true, ...options });
  const s3 = stack.servers.s3;
  return {
    stack,
    async keys(bucket: string, prefix = ''): Promise<string[]> {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((object) => object.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return keys.sort();
    },
    async text(bucket: string, key: string): Promise<string> {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      return key.endsWith('.gz') ? gunzipSync(bytes).toString() : bytes.toString();
    },
    /** The rows of a lake's JSON Lines objects whose `event_id` is one of taggedEvents' `tag`. */
    async tagged(bucket: string, prefix: string, tag: string): Promise<Record<string, any>[]> {
      return (await this.lines(bucket, prefix)).filter((row) => String(row.event_id).startsWith(`${tag}-`));
    },
    async lines(bucket: string, prefix = ''): Promise<Record<string, any>[]> {
      const all: Record<string, any>[] = [];
      for (const key of await this.keys(bucket, prefix)) {
        all.push(...(await this.text(bucket, key)).split('\n').filter(Boolean).map((line) => JSON.parse(line)));
      }
      return all;
    },
    /** Every row of the Parquet objects under a prefix (read back with hyparquet). */
    async parquetRows(bucket: string, prefix = ''): Promise<Record<string, any>[]> {
      const { parquetReadObjects } = await import('hyparquet');
      const rows: Record<string, any>[] = [];
      for (const key of await this.keys(bucket, prefix)) {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const bytes = await object.Body!.transformToByteArray();
        rows.push(...(await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })));
      }
      return rows;
    },
    async ledger(batchId: string): Promise<Record<string, any> | undefined> {
      return (await stack.ctx.ddb.send(new GetCommand({ TableName: stack.config.ledgerTable, Key: { batchId } }))).Item;
    },
    stop: () => stack.stop(),
  };
}

export type Harness = Awaited<ReturnType<typeof openStack>>;

/** The names of the states an execution entered, in order (Map iterations included). */
export const entered = (events: { type: string; state?: { name: string } }[]): string[] =>
  events.filter((e) => e.type === 'StateEntered' || e.type === 'MapIterationStarted').map((e) => e.state?.name ?? 'chunk');

/** A stack whose S0 pipeline delivers to an OpenSearch `_bulk` double started here. */
export async function openStackWithOpenSearch(change: (config: SluiceConfig) => void = () => {}) {
  const { OpenSearchDouble } = await import('../doubles/opensearch.ts');
  const os = await new OpenSearchDouble().start();
  const h = await openStack(
    configWith((config) => {
      for (const sink of config.pipelines['s0-logs-to-opensearch']!.sinks) if (sink.type === 'opensearch') sink.endpoint = os.url;
      change(config);
    }),
  );
  return { os, h, stop: async () => (await h.stop(), await os.stop()) };
}

/** Polls until `done` holds, every 50 ms; fails naming what it waited for after `ms`. */
export async function until(done: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
