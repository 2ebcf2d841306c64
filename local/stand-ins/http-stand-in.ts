import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** What a stand-in's handler answers: a status and a JSON body. */
export type Answer = [status: number, body: unknown];

/** The request body, gunzip'd when the client compressed it. */
export async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

/**
 * A local HTTP server on 127.0.0.1 that names itself a stand-in on every answer (`X-Sluice-Stand-In`):
 * what OpenSearch and New Relic stand-ins share.
 */
export class HttpStandIn {
  private server: Server | undefined;
  url = '';

  constructor(
    private readonly name: string,
    private readonly handle: (req: IncomingMessage, url: URL) => Promise<Answer>,
  ) {}

  async start(port = 0): Promise<{ url: string }> {
    this.server = createServer((req, res: ServerResponse) => {
      // a request target URL cannot read (`//a:b@/`) is answered 400, not thrown out of the server (it stopped the stack)
      const url = URL.canParse(req.url ?? '/', 'http://127.0.0.1') ? new URL(req.url ?? '/', 'http://127.0.0.1') : undefined;
      (url ? this.handle(req, url) : Promise.resolve<Answer>([400, { error: { type: 'illegal_argument_exception', reason: `invalid request target ${JSON.stringify(req.url)}` }, status: 400 }]))
        .catch((error: Error): Answer => [500, { error: { type: 'stand_in_exception', reason: error.message }, status: 500 }])
        .then(([status, body]) => {
          res.writeHead(status, { 'content-type': 'application/json', 'x-sluice-stand-in': this.name });
          res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
        });
    });
    await new Promise<void>((resolve, reject) => this.server!.listen(port, '127.0.0.1', resolve).once('error', reject));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
