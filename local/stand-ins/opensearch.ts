import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { DocumentStore } from './document-store.ts';
import { bodyOf, HttpStandIn, type Answer } from './http-stand-in.ts';

type Doc = Record<string, unknown>;
type Query = { match_all?: object; term?: Record<string, unknown> } | undefined;

/** A cluster's http.max_content_length by default: 100mb. */
const MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

const error = (status: number, type: string, reason: string): Answer => [status, { error: { type, reason }, status }];

/** A dotted field of a document, as a term query names it. */
const fieldOf = (doc: Doc, path: string): unknown => path.split('.').reduce<unknown>((value, key) => (value as Doc | undefined)?.[key], doc);

/** A term query's value may come as `{field: value}` or `{field: {value}}`. */
function matches(doc: Doc, query: Query): boolean {
  if (!query || query.match_all) return true;
  const [field, wanted] = Object.entries(query.term ?? {})[0] ?? [];
  if (field === undefined) return true;
  const value = typeof wanted === 'object' && wanted !== null && 'value' in wanted ? (wanted as { value: unknown }).value : wanted;
  return fieldOf(doc, field.replace(/\.keyword$/, '')) === value;
}

/**
 * OpenSearch's API as far as sluice and a person with curl need it — `_bulk` (index, create, update,
 * delete; 409 on creating an id that exists), `_count`, `_doc`, `_search` (match_all, term, `q=f:v`),
 * index create/exists, cluster info — with documents in memory and in `opensearch.jsonl` of the data
 * folder; a body over `maxContentLength` bytes is refused whole with 413, worded as Amazon OpenSearch
 * Service words it. No OpenSearch server runs here: this says it is a stand-in in every answer.
 */
export class OpenSearchStandIn {
  private readonly store: DocumentStore;
  private readonly http: HttpStandIn;
  private readonly maxContentLength: number;

  /** `maxContentLength`: as a cluster's http.max_content_length, or a domain's 10 to 100 MiB by instance type. */
  constructor(options: { dataDir?: string; maxContentLength?: number } = {}) {
    this.maxContentLength = options.maxContentLength ?? MAX_CONTENT_LENGTH;
    this.store = new DocumentStore(options.dataDir ? join(options.dataDir, 'opensearch.jsonl') : undefined);
    this.http = new HttpStandIn('opensearch', (req, url) => this.route(req, url));
  }

  get url(): string {
    return this.http.url;
  }

  async start(port = 0): Promise<{ url: string }> {
    await this.store.load();
    return this.http.start(port);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  private async route(req: IncomingMessage, url: URL): Promise<Answer> {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const method = req.method ?? 'GET';
    if (parts.length === 0) {
      return [200, { name: 'sluice-stand-in', cluster_name: 'sluice', version: { distribution: 'opensearch', number: '2.17.0' }, tagline: "sluice's OpenSearch stand-in (not OpenSearch)" }];
    }
    const body = await bodyOf(req);
    if (body.length > this.maxContentLength) return [413, { Message: `Request size exceeded ${this.maxContentLength} bytes` }];
    const json = (): Doc => (body.length > 0 ? (JSON.parse(body.toString('utf8')) as Doc) : {});
    if (parts.at(-1) === '_bulk' && method === 'POST') return this.bulk(body.toString('utf8'), parts.length === 2 ? parts[0] : undefined);
    const [index, action, id] = parts as [string, string | undefined, string | undefined];
    if (action === undefined) {
      if (method === 'HEAD') return this.store.indexes.has(index) ? [200, {}] : [404, {}];
      if (method === 'PUT') {
        if (this.store.indexes.has(index)) return error(400, 'resource_already_exists_exception', `index [${index}] already exists`);
        this.store.index(index);
        return [200, { acknowledged: true, shards_acknowledged: true, index }];
      }
    }
    const docs = this.store.indexes.get(index);
    const query = (): Query => {
      const q = url.searchParams.get('q');
      if (q) {
        const [field, value] = q.split(':');
        return { term: { [field!]: Number.isNaN(Number(value)) ? value : Number(value) } };
      }
      return json().query as Query;
    };
    if (action === '_count') return [200, { count: [...(docs?.values() ?? [])].filter((doc) => matches(doc, query())).length, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } }];
    if (action === '_doc' && id !== undefined && method === 'GET') {
      const doc = docs?.get(id);
      return doc ? [200, { _index: index, _id: id, found: true, _source: doc }] : [404, { _index: index, _id: id, found: false }];
    }
    if (action === '_search') {
      const request = json();
      const size = Number(url.searchParams.get('size') ?? request.size ?? 10);
      const from = Number(url.searchParams.get('from') ?? request.from ?? 0);
      const hits = [...(docs?.entries() ?? [])].filter(([, doc]) => matches(doc, query()));
      return [200, { took: 0, timed_out: false, hits: { total: { value: hits.length, relation: 'eq' }, hits: hits.slice(from, from + size).map(([_id, _source]) => ({ _index: index, _id, _score: 1, _source })) } }];
    }
    if (!docs) return error(404, 'index_not_found_exception', `no such index [${index}]`);
    return error(400, 'illegal_argument_exception', `the stand-in does not serve ${method} ${url.pathname}`);
  }

  /** `_bulk`: an action line, then (except for delete) a document line; each item answered on its own. */
  private async bulk(text: string, defaultIndex: string | undefined): Promise<Answer> {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    const items: Doc[] = [];
    for (let i = 0; i < lines.length; i++) {
      const [kind, meta] = Object.entries(JSON.parse(lines[i]!) as Record<string, { _index?: string; _id?: string }>)[0]!;
      const index = meta._index ?? defaultIndex;
      const id = meta._id ?? crypto.randomUUID();
      if (!index) {
        items.push({ [kind]: { _id: id, status: 400, error: { type: 'action_request_validation_exception', reason: 'index is missing' } } });
        if (kind !== 'delete') i++;
        continue;
      }
      const docs = this.store.index(index);
      const existed = docs.has(id);
      if (kind === 'delete') {
        await this.store.delete(index, id);
        items.push({ delete: { _index: index, _id: id, result: existed ? 'deleted' : 'not_found', status: existed ? 200 : 404 } });
        continue;
      }
      const source = JSON.parse(lines[++i] ?? '{}') as Doc;
      if (kind === 'create' && existed) {
        items.push({ create: { _index: index, _id: id, status: 409, error: { type: 'version_conflict_engine_exception', reason: `[${id}]: version conflict, document already exists` } } });
        continue;
      }
      const doc = kind === 'update' ? { ...(docs.get(id) ?? {}), ...((source.doc as Doc | undefined) ?? {}) } : source;
      await this.store.put(index, id, doc);
      items.push({ [kind]: { _index: index, _id: id, result: existed ? 'updated' : 'created', status: existed ? 200 : 201 } });
    }
    return [200, { took: 0, errors: items.some((item) => 'error' in (Object.values(item)[0] as object)), items }];
  }
}
