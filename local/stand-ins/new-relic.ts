import { appendFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { bodyOf, HttpStandIn, type Answer } from './http-stand-in.ts';
import { readJsonLines } from '../read-json-lines.ts';

/** New Relic's Log API refuses payloads over 1 MB (compressed). */
const MAX_PAYLOAD_BYTES = 1_000_000;
const SHOWN = "sluice's New Relic stand-in (not New Relic)";

type Log = Record<string, unknown>;

/** The Log API's three body shapes: one log, an array of logs, or `[{common, logs}]` blocks. */
function logsOf(value: unknown): Log[] {
  const blocks = Array.isArray(value) ? value : [value];
  return blocks.flatMap((block: unknown) => {
    if (typeof block !== 'object' || block === null) throw new Error('a log must be a JSON object');
    const { common, logs } = block as { common?: { attributes?: Log }; logs?: unknown };
    if (!Array.isArray(logs)) return [block as Log];
    return logs.map((log: Log) => ({ ...(common?.attributes ?? {}), ...log }));
  });
}

/**
 * New Relic's Log API (`POST /log/v1`) and its Firehose endpoint (`POST /firehose/v1`, Firehose's HTTP
 * endpoint delivery protocol), as far as seed S1 needs them, with the logs kept in memory and in
 * `new-relic.jsonl` of the data folder; `GET /logs?limit=N` shows them. No New Relic runs here: every
 * answer says this is a stand-in.
 */
export class NewRelicStandIn {
  readonly logs: Log[] = [];
  private readonly file: string | undefined;
  private readonly http: HttpStandIn;

  constructor(options: { dataDir?: string } = {}) {
    this.file = options.dataDir ? join(options.dataDir, 'new-relic.jsonl') : undefined;
    this.http = new HttpStandIn('new-relic', (req, url) => this.route(req, url));
  }

  get url(): string {
    return this.http.url;
  }

  get firehoseUrl(): string {
    return `${this.http.url}/firehose/v1`;
  }

  async start(port = 0): Promise<{ url: string }> {
    if (this.file) this.logs.push(...(await readJsonLines<Log>(this.file)));
    return this.http.start(port);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private async keep(logs: Log[]): Promise<void> {
    this.logs.push(...logs);
    if (this.file) await appendFile(this.file, logs.map((log) => `${JSON.stringify(log)}\n`).join(''));
  }

  private async route(req: IncomingMessage, url: URL): Promise<Answer> {
    if (req.method === 'GET' && url.pathname === '/logs') {
      const limit = Number(url.searchParams.get('limit') ?? 100);
      return [200, { standIn: SHOWN, count: this.logs.length, logs: this.logs.slice(-limit) }];
    }
    if (req.method === 'POST' && url.pathname === '/log/v1') return this.logApi(req);
    if (req.method === 'POST' && url.pathname === '/firehose/v1') return this.firehose(req);
    return [404, { error: `${SHOWN}: no route ${req.method} ${url.pathname} (POST /log/v1, POST /firehose/v1, GET /logs)` }];
  }

  private async logApi(req: IncomingMessage): Promise<Answer> {
    if (!req.headers['api-key'] && !req.headers['x-license-key']) return [403, { error: 'an Api-Key or X-License-Key header is required' }];
    if (Number(req.headers['content-length'] ?? 0) > MAX_PAYLOAD_BYTES) return [413, { error: `payloads are limited to ${MAX_PAYLOAD_BYTES} bytes` }];
    let logs: Log[];
    try {
      logs = logsOf(JSON.parse((await bodyOf(req)).toString('utf8')));
    } catch (error) {
      return [400, { error: `malformed JSON: ${(error as Error).message}` }];
    }
    await this.keep(logs);
    return [202, { requestId: crypto.randomUUID() }];
  }

  /** Firehose's protocol: 200 with the request's requestId echoed is the only success. */
  private async firehose(req: IncomingMessage): Promise<Answer> {
    const timestamp = Date.now();
    const headerId = String(req.headers['x-amz-firehose-request-id'] ?? '');
    let request: { requestId?: string; records?: { data?: string }[] };
    try {
      request = JSON.parse((await bodyOf(req)).toString('utf8')) as typeof request;
    } catch (error) {
      return [400, { requestId: headerId, timestamp, errorMessage: `malformed JSON: ${(error as Error).message}` }];
    }
    const requestId = request.requestId ?? headerId;
    if (!req.headers['x-amz-firehose-access-key']) return [403, { requestId, timestamp, errorMessage: 'X-Amz-Firehose-Access-Key is required' }];
    if (!Array.isArray(request.records)) return [400, { requestId, timestamp, errorMessage: 'records is missing' }];
    const logs = request.records.map((record) => {
      const text = Buffer.from(record.data ?? '', 'base64').toString('utf8');
      try {
        const value = JSON.parse(text) as unknown;
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Log) : { message: text };
      } catch {
        return { message: text };
      }
    });
    await this.keep(logs);
    return [200, { requestId, timestamp }];
  }
}
