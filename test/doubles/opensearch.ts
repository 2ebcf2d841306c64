import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A planned failure: items whose id matches answer `status` the next `times` times they are sent. */
interface ItemFailure {
  match: (id: string) => boolean;
  status: number;
  type: string;
  times: number;
}

/**
 * An HTTP double of OpenSearch's `_bulk` API: NDJSON in, per-item results out, `create` semantics
 * (409 for an id that exists), and failures on demand: per item (429, 5xx, 400) or per request, and
 * bodies over `maxContentLength` refused with 413 as Amazon OpenSearch Service words it.
 */
export class OpenSearchDouble {
  readonly docs = new Map<string, Map<string, unknown>>();
  /** Every `_id` that was written, in order: a duplicate here would be a duplicate document. */
  readonly writes: string[] = [];
  requests = 0;
  /** The largest body taken, as a cluster's http.max_content_length: a larger one is refused whole, 413. */
  maxContentLength = Number.POSITIVE_INFINITY;
  private server: Server | undefined;
  private itemFailures: ItemFailure[] = [];
  private requestFailures: { status: number; times: number }[] = [];
  /** Requests held without an answer: OpenSearch (or the network) gone silent. */
  private hanging = 0;
  private writeThenHang = false;
  private readonly held = new Set<() => void>();

  url = '';

  /** Listens on `port` (a free one by default; the same one again to come back after a stop). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      // never answered: the client's timeout has to notice
      const hold = () => this.held.add(() => res.destroy());
      if (this.hanging > 0) {
        this.hanging--;
        this.requests++;
        req.resume();
        return hold();
      }
      void this.handle(req).then(([status, body]) => {
        if (this.writeThenHang) return hold();
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `times` requests get no answer at all (what was in them is not written). */
  hang(times: number): void {
    this.hanging = times;
  }

  /** Every request is written, then never answered: the writes happen, the client cannot know. */
  writeThenNeverAnswer(on = true): void {
    this.writeThenHang = on;
  }

  async stop(): Promise<void> {
    for (const release of this.held) release();
    this.held.clear();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  failItems(match: (id: string) => boolean, status: number, times: number, type = status === 429 ? 'es_rejected_execution_exception' : status >= 500 ? 'node_not_connected_exception' : 'mapper_parsing_exception'): void {
    this.itemFailures.push({ match, status, type, times });
  }

  /** Drops every planned failure: the cluster is healthy again. */
  heal(): void {
    this.itemFailures = [];
    this.requestFailures = [];
    this.hanging = 0;
    this.writeThenHang = false;
  }

  failRequests(status: number, times: number): void {
    this.requestFailures.push({ status, times });
  }

  count(index: string): number {
    return this.docs.get(index)?.size ?? 0;
  }

  private async handle(req: IncomingMessage): Promise<[number, unknown]> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    // decoded whole: a character cut between two chunks stays one character
    const body = Buffer.concat(chunks);
    const text = body.toString('utf8');
    this.requests++;
    if (body.length > this.maxContentLength) return [413, { Message: `Request size exceeded ${this.maxContentLength} bytes` }];
    if (req.method !== 'POST' || !req.url?.startsWith('/_bulk')) return [404, { error: 'not found' }];
    if (req.headers['content-type']?.includes('application/x-ndjson') === false && req.headers['content-type']?.includes('json') === false) {
      return [406, { error: 'Content-Type header is not supported' }];
    }
    const planned = this.requestFailures.find((failure) => failure.times > 0);
    if (planned) {
      planned.times--;
      return [planned.status, { error: { type: planned.status === 429 ? 'too_many_requests' : 'server_error', reason: 'injected' }, status: planned.status }];
    }
    if (!text.endsWith('\n')) return [400, { error: { type: 'illegal_argument_exception', reason: 'The bulk request must be terminated by a newline [\\n]' } }];
    const lines = text.split('\n').slice(0, -1);
    const items: unknown[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]!) as { create?: { _index: string; _id: string } };
      const meta = action.create;
      if (!meta) return [400, { error: { type: 'illegal_argument_exception', reason: 'only create is expected' } }];
      const source = JSON.parse(lines[i + 1]!) as unknown;
      const failure = this.itemFailures.find((f) => f.times > 0 && f.match(meta._id));
      if (failure) {
        failure.times--;
        items.push({ create: { _index: meta._index, _id: meta._id, status: failure.status, error: { type: failure.type, reason: 'injected' } } });
        continue;
      }
      let index = this.docs.get(meta._index);
      if (!index) this.docs.set(meta._index, (index = new Map()));
      if (index.has(meta._id)) {
        items.push({ create: { _index: meta._index, _id: meta._id, status: 409, error: { type: 'version_conflict_engine_exception', reason: 'document already exists' } } });
        continue;
      }
      index.set(meta._id, source);
      this.writes.push(meta._id);
      items.push({ create: { _index: meta._index, _id: meta._id, _version: 1, result: 'created', status: 201 } });
    }
    return [200, { took: 1, errors: items.some((item) => (item as { create: { status: number } }).create.status >= 300), items }];
  }
}
