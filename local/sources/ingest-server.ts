import { gunzipSync, inflateSync } from 'node:zlib';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SluiceConfig } from '../../contracts/config.ts';
import type { CloudWatchSubscription } from './cloudwatch-subscription.ts';
import { KINESIS_LIMITS } from '../../contracts/kinesis-limits.ts';
import { PIPES_TARGET_PAYLOAD_CHARS } from '../../contracts/pipe-settings.ts';
import { maxPipesRecordBytes } from '../../contracts/pipes-kinesis.ts';
import { streamOf } from '../servers.ts';
import { FIREHOSE_LIMITS } from './firehose-stream.ts';
import { PartlyPut } from './partly-put.ts';
import { eventsOf, IngestRefusal, logLinesOf } from './ingest-body.ts';

export interface IngestTargets {
  config: SluiceConfig;
  /** Puts on a kinesis pipeline's stream; the eventIDs its Pipe will hand the workflow. Throws PartlyPut when only some were put. */
  putKinesis(pipeline: string, datas: Buffer[]): Promise<string[]>;
  /** Puts on a firehose pipeline's delivery stream; Firehose's RecordIds. */
  putFirehose(pipeline: string, datas: Buffer[]): Promise<string[]>;
  subscription: CloudWatchSubscription;
  status(): Promise<unknown>;
  alerts(): unknown[];
  /** Counts what a pipeline accepted (the live view's "in"). */
  accepted(pipeline: string, records: number): void;
}

export interface IngestServer {
  url: string;
  /** Stops accepting; resolves when every request in flight has been answered. */
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(`${JSON.stringify(body)}\n`);
};

/** A body of `limit` bytes at most, inflated as its Content-Encoding says (the limit counts what it inflates to). */
function inflated(bytes: Buffer, encoding: string, limit: number): Buffer {
  if (encoding === '' || encoding === 'identity') return bytes;
  const inflate = encoding === 'gzip' || encoding === 'x-gzip' ? gunzipSync : encoding === 'deflate' ? inflateSync : undefined;
  if (!inflate) throw new IngestRefusal(415, `Content-Encoding ${encoding} is not taken here (gzip, deflate or none)`);
  try {
    return inflate(bytes, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new IngestRefusal(413, `the body inflates to more than the limit of ${limit} bytes`);
    throw new IngestRefusal(400, `the body says Content-Encoding ${encoding}, but does not inflate (${(error as Error).message})`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text: UTF-8, as JSON is (RFC 8259), refused rather than read with its bad bytes replaced. */
async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw new IngestRefusal(415, `the body is declared ${charset}: send UTF-8`);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new IngestRefusal(413, `the body is ${declared} bytes, over the limit of ${limit}`);
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of req) {
    bytes += (chunk as Buffer).length;
    if (bytes > limit) throw new IngestRefusal(413, `the body is over the limit of ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  const body = inflated(Buffer.concat(chunks), (req.headers['content-encoding'] ?? '').trim().toLowerCase(), limit);
  try {
    // a leading byte order mark is not part of the text
    return utf8.decode(body);
  } catch {
    throw new IngestRefusal(400, 'the body is not UTF-8: send UTF-8 (bytes that are not would be replaced, and the events changed)');
  }
}

/**
 * CloudWatch Logs' names (1 to 512 characters; a group of `[.-_/#A-Za-z0-9]`, a stream without `:` or `*`):
 * a subscription never carries others, and a name of megabytes would make every event too large.
 */
function logNames(url: URL): { group: string; stream: string } {
  const group = url.searchParams.get('group');
  const stream = url.searchParams.get('stream');
  if (!group || !stream) throw new IngestRefusal(400, 'name the log group and stream: ?group=G&stream=S');
  if (group.length > 512 || !/^[.\-_/#A-Za-z0-9]+$/.test(group)) throw new IngestRefusal(400, 'group: a CloudWatch Logs group name is 1 to 512 characters of A-Z a-z 0-9 . - _ / #');
  if (stream.length > 512 || /[:*]/.test(stream)) throw new IngestRefusal(400, 'stream: a CloudWatch Logs stream name is 1 to 512 characters, without : or *');
  return { group, stream };
}

const tooLarge = (datas: Buffer[], limit: number, what: string, why = '') => {
  const i = datas.findIndex((data) => data.length > limit);
  if (i >= 0) throw new IngestRefusal(413, `${what} ${i} is ${datas[i]!.length} bytes, over the ${limit}-byte record limit${why}`);
};

/**
 * The seeds' API Gateway on the embedded stack: `POST /pipelines/<pipeline>/records` (a JSON event, an
 * array, or NDJSON) puts each event on the pipeline's Kinesis stream or delivery stream and answers 202
 * with the ids (207 with the ids of what was put and, by index, the events that were not, when a stream
 * took only part; 503 when it took none); `POST /pipelines/<pipeline>/logs?group=G&stream=S` wraps plain
 * lines as a CloudWatch Logs subscription would; `GET /status`, `GET /alerts`. A bad request gets a 4xx
 * and a JSON reason.
 */
export async function startIngestServer(targets: IngestTargets, options: { port: number; maxBodyBytes: number }): Promise<IngestServer> {
  const route = async (req: IncomingMessage, url: URL): Promise<[number, unknown]> => {
    if (url.pathname === '/status' && req.method === 'GET') return [200, await targets.status()];
    if (url.pathname === '/alerts' && req.method === 'GET') return [200, { alerts: targets.alerts() }];
    const match = /^\/pipelines\/([^/]+)\/(records|logs)$/.exec(url.pathname);
    if (!match) throw new IngestRefusal(404, `no route ${req.method} ${url.pathname} (POST /pipelines/<pipeline>/records or /logs, GET /status, GET /alerts)`);
    if (req.method !== 'POST') throw new IngestRefusal(405, `${url.pathname} takes POST`, { allow: 'POST' });
    const [, encoded, kind] = match;
    let name: string;
    try {
      name = decodeURIComponent(encoded!);
    } catch {
      throw new IngestRefusal(400, `the pipeline name ${JSON.stringify(encoded)} is not URL-encoded`);
    }
    const pipeline = Object.hasOwn(targets.config.pipelines, name) ? targets.config.pipelines[name] : undefined;
    if (!pipeline) throw new IngestRefusal(404, `no pipeline named ${JSON.stringify(name)} (known: ${Object.keys(targets.config.pipelines).join(', ')})`);
    if (kind === 'logs') {
      if (pipeline.workflow !== 'firehose') throw new IngestRefusal(400, `pipeline ${name} runs the ${pipeline.workflow} workflow: log subscriptions go to a firehose pipeline`);
      const { group, stream } = logNames(url);
      const { records, ids } = targets.subscription.wrap(group, stream, logLinesOf(await readBody(req, options.maxBodyBytes)));
      tooLarge(records, FIREHOSE_LIMITS.recordBytes, 'payload');
      await targets.putFirehose(name, records);
      targets.accepted(name, ids.length);
      return [202, { accepted: ids.length, ids }];
    }
    const body = await readBody(req, options.maxBodyBytes);
    // each event as the producer wrote it: a stream carries bytes, and decode judges what JSON cannot hold
    const datas = eventsOf(body).map((text) => Buffer.from(text));
    if (pipeline.workflow === 'kinesis') {
      // Kinesis takes 1 MiB, but a record over what a Pipe can hand Step Functions would never reach the workflow
      const pipeable = maxPipesRecordBytes(streamOf(name));
      tooLarge(datas, Math.min(KINESIS_LIMITS.recordBytes, pipeable), 'event', pipeable < KINESIS_LIMITS.recordBytes ? ` (base64'd in its Pipes envelope it must fit the ${PIPES_TARGET_PAYLOAD_CHARS} characters a Pipe hands to Step Functions)` : '');
      try {
        const ids = await targets.putKinesis(name, datas);
        targets.accepted(name, ids.length);
        return [202, { accepted: ids.length, ids }];
      } catch (error) {
        if (!(error instanceof PartlyPut) || error.ids.length === 0) throw error;
        // what was put is on the stream for good: the producer must learn which events to send again, and only those
        targets.accepted(name, error.ids.length);
        return [207, { accepted: error.ids.length, ids: error.ids, error: `not all accepted: ${error.message}`, failed: error.failed }];
      }
    }
    if (pipeline.workflow === 'firehose') {
      tooLarge(datas, FIREHOSE_LIMITS.recordBytes, 'event');
      const ids = await targets.putFirehose(name, datas);
      targets.accepted(name, datas.length);
      return [202, { accepted: ids.length, ids }];
    }
    throw new IngestRefusal(400, `pipeline ${name} runs the s3 workflow: put objects in s3://${pipeline.trigger?.bucket}/${pipeline.trigger?.prefix ?? ''} instead`);
  };

  const server: Server = createServer((req, res) => {
    // a request target URL cannot read (`//a:b@/`) is the request's fault: a 400, not an error thrown out of the
    // server, which stopped the stack
    const url = URL.canParse(req.url ?? '/', 'http://127.0.0.1') ? new URL(req.url ?? '/', 'http://127.0.0.1') : undefined;
    (url ? route(req, url) : Promise.reject(new IngestRefusal(400, `the request target ${JSON.stringify(req.url)} is not a path`))).then(
      ([status, body]) => send(res, status, body),
      (error: Error) => {
        if (error instanceof IngestRefusal) send(res, error.status, { error: error.message }, error.headers);
        // not the request's fault (a local server down): say so, and that nothing was accepted
        else send(res, 503, { error: `not accepted: ${error.message}` });
        // a request refused before its body was read (413, 415, 404) is drained, for the answer to reach the client
        req.resume();
      },
    );
  });
  await new Promise<void>((resolve, reject) => server.listen(options.port, '127.0.0.1', resolve).once('error', reject));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
