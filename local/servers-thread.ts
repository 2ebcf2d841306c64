import type { AddressInfo, Server } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import kinesalite from 'kinesalite';
import S3rver from 's3rver';
import { atomicIndexWrites } from './dynalite-atomic-writes.ts';
import { fastSequences } from './kinesalite-sequences.ts';
import { atomicPuts } from './s3rver-atomic-puts.ts';
import { conditionalWrites } from './s3rver-conditional-writes.ts';
import { copyEtags } from './s3rver-copy-etags.ts';

/** What the stack asks the servers' thread for. */
export interface ServersThreadOptions {
  s3Directory: string;
  buckets: string[];
  dynamoPath?: string;
  kinesisPath?: string;
  shardLimit: number;
}

/** What the thread says: its ports once listening, an S3 notification, that it stopped, or why it could not start. */
export type ServersThreadMessage =
  | { ready: { s3Port: number; dynamoPort: number; kinesisPort: number } }
  | { notification: unknown }
  | { stopped: true }
  | { failed: string };

const options = workerData as ServersThreadOptions;
const port = parentPort!;
const listen = (server: Server) =>
  new Promise<number>((resolve, reject) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)).once('error', reject));

try {
  const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: options.s3Directory, configureBuckets: options.buckets.map((name) => ({ name })) });
  const store = (s3rver as unknown as { store: Parameters<typeof atomicPuts>[0] }).store;
  atomicPuts(store);
  const withCopyEtag = copyEtags(store);
  conditionalWrites(s3rver as unknown as Parameters<typeof conditionalWrites>[0]);
  s3rver.on('event', (notification: Parameters<typeof withCopyEtag>[0]) => {
    withCopyEtag(notification);
    port.postMessage({ notification } satisfies ServersThreadMessage);
  });
  const s3Port = ((await s3rver.run()) as AddressInfo).port;
  atomicIndexWrites();
  const dynamoServer: Server = dynalite({ createTableMs: 0, ...(options.dynamoPath ? { path: options.dynamoPath } : {}) });
  const dynamoPort = await listen(dynamoServer);
  fastSequences();
  const kinesisServer: Server = kinesalite({ createStreamMs: 0, shardLimit: options.shardLimit, ...(options.kinesisPath ? { path: options.kinesisPath } : {}) });
  const kinesisPort = await listen(kinesisServer);
  port.once('message', async () => {
    const http = (s3rver as unknown as { httpServer?: { closeAllConnections(): void } }).httpServer;
    http?.closeAllConnections();
    for (const server of [dynamoServer, kinesisServer]) (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    await Promise.all([s3rver.close(), new Promise((resolve) => dynamoServer.close(resolve)), new Promise((resolve) => kinesisServer.close(resolve))]);
    port.postMessage({ stopped: true } satisfies ServersThreadMessage);
  });
  port.postMessage({ ready: { s3Port, dynamoPort, kinesisPort } } satisfies ServersThreadMessage);
} catch (error) {
  port.postMessage({ failed: (error as Error).stack ?? String(error) } satisfies ServersThreadMessage);
}
