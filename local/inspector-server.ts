import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BatchRedrive } from '../redrive/redrive-batch.ts';
import type { ExecutionEntry, ExecutionFilter, ExecutionSource } from './execution-source.ts';
import { balanceOf, inspectorHtml } from './inspector.ts';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const STATUSES = ['SUCCEEDED', 'BACKED_UP', 'FAILED'];
/** The list's quick time choices, as the console offers them. */
const LAST: Record<string, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };

/** A client's mistake in a query, answered with 400 and what was wrong. */
class QueryError extends Error {}

/** The list's filter from a query: `since`/`until` take ISO 8601 times, `last` one of LAST's spans back from now. */
export function filterOf(query: URLSearchParams, now = Date.now()): ExecutionFilter {
  const time = (name: string) => {
    const text = query.get(name);
    if (!text) return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new QueryError(`${name}: not an ISO 8601 time: ${text} (e.g. 2026-12-06T04:30:00Z)`);
    return ms;
  };
  const last = query.get('last');
  if (last && !(last in LAST)) throw new QueryError(`last: one of ${Object.keys(LAST).join(', ')}, got ${last}`);
  const since = last ? now - LAST[last]! : time('since');
  const until = time('until');
  return {
    ...(query.get('pipeline') ? { pipeline: query.get('pipeline')! } : {}),
    ...(query.get('workflow') ? { workflow: query.get('workflow')! } : {}),
    ...(query.get('status') ? { status: query.get('status')! } : {}),
    ...(query.get('q') ? { q: query.get('q')! } : {}),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
}

export interface InspectorOptions {
  store: ExecutionSource;
  pipelines: string[];
  /** Redrives a batch (the same code as `sluice redrive`); absent when the inspector cannot run executions. */
  redrive?: (batchId: string, fromExecution: string) => Promise<BatchRedrive>;
}

/** How many executions an id is looked for among (a search by id also finds those whose trace names it). */
const FOUND = 1_000;

/** The most executions a list shows; a list cut there says so. */
const LISTED = 200;

/** The newest matching executions, at most LISTED, and whether more match. */
async function listed(store: ExecutionSource, query: URLSearchParams): Promise<{ entries: ExecutionEntry[]; more: boolean }> {
  const entries = await store.list({ ...filterOf(query), limit: LISTED + 1 });
  return { entries: entries.slice(0, LISTED), more: entries.length > LISTED };
}

function listPage({ entries, more }: { entries: ExecutionEntry[]; more: boolean }, query: URLSearchParams, pipelines: string[]): string {
  const select = (name: string, values: string[]) =>
    `<select name="${name}"><option value="">any ${name}</option>${values.map((v) => `<option${query.get(name) === v ? ' selected' : ''}>${escape(v)}</option>`).join('')}</select>`;
  const rows = entries.map(
    (e) =>
      `<tr class="${e.status}"><td><a href="/executions/${e.id}">${escape(e.startedAt)}</a></td><td>${escape(e.pipeline)}</td><td>${e.workflow}</td><td class="status">${e.status}${e.error ? ` (${escape(e.error)})` : ''}</td><td>${escape(e.batchId ?? '')}</td><td>${e.counts ? `${e.counts.in} in · ${e.counts.delivered} delivered · ${e.counts.quarantined} quarantined · ${e.counts.dropped} dropped · ${e.counts.backedUp} backed up` : ''}</td><td>${e.durationMs} ms</td>${e.redrove ? `<td>redrove <a href="/executions/${e.redrove}">${e.redrove.slice(0, 8)}</a></td>` : '<td></td>'}</tr>`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sluice inspector</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#263238} table{border-collapse:collapse;width:100%;font-size:13px} td,th{border-top:1px solid #eceff1;padding:4px 8px;text-align:left}
tr.FAILED .status{color:#c62828} tr.BACKED_UP .status{color:#ef6c00} tr.SUCCEEDED .status{color:#2e7d32} form{margin:12px 0}</style></head><body>
<h1>sluice executions</h1>
<form method="get" action="/">${select('pipeline', pipelines)} ${select('workflow', ['kinesis', 'firehose', 's3'])} ${select('status', STATUSES)}
<select name="last"><option value="">any time</option>${Object.keys(LAST).map((v) => `<option value="${v}"${query.get('last') === v ? ' selected' : ''}>last ${v.replace('m', ' min').replace('h', ' h').replace('d', ' days')}</option>`).join('')}</select>
<input name="since" placeholder="since (ISO 8601)" size="22" value="${escape(query.get('since') ?? '')}"> <input name="until" placeholder="until (ISO 8601)" size="22" value="${escape(query.get('until') ?? '')}">
<input name="q" placeholder="batch id, execution id or record id" size="48" value="${escape(query.get('q') ?? '')}"> <button>Find</button></form>
<table id="executions"><tr><th>started</th><th>pipeline</th><th>workflow</th><th>status</th><th>batch</th><th>records</th><th>duration</th><th></th></tr>
${rows.join('\n')}</table>${entries.length === 0 ? '<p id="none">No execution matches.</p>' : ''}${more ? `<p id="more">The newest ${LISTED} are shown; more match: narrow the list with the filters, or search.</p>` : ''}
<script>// live: the list again every 5 s while nobody is typing or choosing
setInterval(() => { if (!['INPUT', 'SELECT'].includes(document.activeElement?.tagName)) location.reload(); }, 5000);</script>
</body></html>`;
}

/** The execution page, with where its input is kept and a redrive action when the batch did not end well. */
/** An execution in the list whose trace is not kept: what the list knows of it, and why there is no more. */
function untracedPage(entry: ExecutionEntry, why = 'its trace is not kept'): string {
  const rows = [
    ['pipeline', entry.pipeline],
    ['workflow', entry.workflow],
    ['status', entry.status + (entry.error ? ` (${entry.error})` : '')],
    ['started', entry.startedAt],
    ['duration', `${entry.durationMs} ms`],
    ...(entry.batchId ? [['batch', entry.batchId]] : []),
    ...(entry.counts ? [['records', balanceOf(entry.counts)]] : []),
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sluice · ${escape(entry.pipeline)} · ${escape(entry.status)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#263238} td:first-child{color:#607d8b;padding-right:16px}</style></head><body>
<h1>${escape(entry.pipeline)} ${escape(entry.status)}</h1>
<table class="summary">${rows.map(([k, v]) => `<tr><td>${k}</td><td>${escape(String(v))}</td></tr>`).join('')}</table>
<h2>Graph</h2><p id="untraced">No graph or events: ${escape(why)}.</p>
<p><a href="/">All executions</a></p></body></html>`;
}

/** What a redrive did, in a line: the page it leads to says it. */
export function redriveNotice(outcome: BatchRedrive): string {
  if ('skipped' in outcome) return `Redrive of ${outcome.batchId}: ${outcome.skipped}.`;
  const { batchId, before, execution, after, error } = outcome;
  return `Redrive of ${batchId} (${before}): ${execution}${error ? ` (${error})` : ''}; it stands ${after} now.`;
}

function executionPage(html: string, entry: ExecutionEntry | undefined, canRedrive: boolean, notice: string | null): string {
  const said = notice ? `<p id="redrive-outcome" style="background:#fff8e1;padding:8px">${escape(notice)}</p>\n` : '';
  if (!entry?.batchId || entry.status === 'SUCCEEDED' || !canRedrive) return said ? html.replace('<h2>Graph</h2>', `${said}<h2>Graph</h2>`) : html;
  const kept = entry.inputKey ? ` Its input is kept at <code>${escape(entry.inputKey)}</code>.` : '';
  const action = `<form method="post" action="/executions/${entry.id}/redrive" id="redrive"><p>This batch ended ${escape(entry.status)}.${kept} <button>Redrive it</button> (the same as <code>sluice redrive --batch ${escape(entry.batchId)}</code>: from its kept input, unless it failed for good; what it did shows here)</p></form>`;
  return html.replace('<h2>Graph</h2>', `${said}${action}\n<h2>Graph</h2>`);
}

/** The names this machine's loopback goes by: a Host of another name is a page of another site that resolves here (DNS rebinding). */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A Host or Origin's host name, without its port (a tunnel or a proxy may forward another port). */
const hostName = (host: string): string => host.replace(/:\d+$/, '').toLowerCase();

/**
 * Whether a request comes from the inspector's own pages: its Host is a loopback name, and a POST's
 * Origin, which a browser sends with every form a page of another site submits, is one too, as the same
 * host (a client that is no browser sends none).
 */
function fromItself(req: IncomingMessage): boolean {
  const host = req.headers.host ?? '';
  if (!LOOPBACK.has(hostName(host))) return false;
  if (req.method === 'GET') return true;
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  return (origin === undefined || origin === `http://${host}`) && (site === undefined || site === 'same-origin' || site === 'none');
}

/**
 * `sluice inspect`: the executions of the running stack (or of a data folder) as a local web app on
 * 127.0.0.1: a list to filter by pipeline, workflow, status and start time and to search by batch, execution or
 * record id; a page per execution (graph, events, inputs and outputs); redrive for what did not end well.
 */
export async function startInspector(options: InspectorOptions, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const html = (res: ServerResponse, status: number, body: string) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  /** What each redrive did, until its page shows it. */
  const notices = new Map<string, string>();
  const route = async (req: IncomingMessage, res: ServerResponse) => {
    if (!fromItself(req)) return html(res, 403, '<p>Not from this inspector: its own pages only (Host, Origin).</p>');
    // a request target URL cannot read is the request's fault, as at the ingest API
    if (!URL.canParse(req.url ?? '/', 'http://127.0.0.1')) return html(res, 400, '<p>Not a path.</p>');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/') return html(res, 200, listPage(await listed(options.store, url.searchParams), url.searchParams, options.pipelines));
    if (req.method === 'GET' && url.pathname === '/api/executions') {
      // the list first: a bad query must be answered 400, before any header is sent
      const { entries, more } = await listed(options.store, url.searchParams);
      return res.writeHead(200, { 'content-type': 'application/json', ...(more ? { 'x-more-match': `the newest ${LISTED} are listed` } : {}) }).end(JSON.stringify(entries));
    }
    const page = /^\/executions\/([\w-]+)(\/redrive)?$/.exec(url.pathname);
    if (page) {
      const [, id, redrive] = page;
      // this execution, not one whose batch or trace only holds its id (an object's chunk executions name it, and are newer)
      const entry = (await options.store.list({ q: id!, limit: FOUND })).find((found) => found.id === id);
      if (redrive && req.method === 'POST') {
        if (!entry?.batchId || !options.redrive) return html(res, 400, '<p>Nothing to redrive here.</p>');
        const outcome = await options.redrive(entry.batchId, entry.id);
        const newest = (await options.store.list({ q: entry.batchId, limit: 1 }))[0];
        const to = newest && newest.id !== id ? newest.id : id!;
        const token = randomUUID();
        // a redrive whose page is never opened leaves its notice: the oldest go past a few hundred
        if (notices.size >= 500) notices.delete(notices.keys().next().value!);
        notices.set(token, redriveNotice(outcome));
        return res.writeHead(303, { location: `/executions/${to}?redrive=${token}` }).end();
      }
      // said once, by the server: a link of anyone's cannot put words of its own on the page
      const token = url.searchParams.get('redrive');
      const notice = token ? (notices.get(token) ?? null) : null;
      if (token) notices.delete(token);
      const result = await options.store.get(id!);
      if (!result && entry) return html(res, 200, executionPage(untracedPage(entry, options.store.whyUntraced?.(entry)), entry, options.redrive !== undefined, notice));
      if (!result) return html(res, 404, `<p>No execution ${escape(id!)}.</p>`);
      return html(res, 200, executionPage(await inspectorHtml(result, await options.store.claims(id!)), entry, options.redrive !== undefined, notice));
    }
    return html(res, 404, '<p>Not here: / lists the executions.</p>');
  };
  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: Error) => html(res, error instanceof QueryError ? 400 : 500, `<p>${escape(error.message)}</p>`));
  });
  await new Promise<void>((resolve, reject) => server.listen(port, '127.0.0.1', resolve).once('error', reject));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
