import * as t from 'io-ts';
import type { RecordError } from '../../../../contracts/batch.ts';
import { recordError, statusOf } from '../../../shared/transient.ts';

/** The parts of a `_bulk` response sluice reads. */
export const BulkResponse = t.type({
  errors: t.boolean,
  items: t.array(
    t.record(
      t.string,
      t.intersection([t.type({ status: t.number }), t.partial({ _id: t.string, error: t.partial({ type: t.string, reason: t.string }) })]),
    ),
  ),
});
export type BulkResponse = t.TypeOf<typeof BulkResponse>;

/** Statuses worth another try: throttling and server errors. */
export const retryableStatus = (status: number): boolean => status === 429 || status >= 500;

/**
 * One bulk item: accepted (2xx), already there (409 on `create`: delivered by an earlier try), or failed,
 * retryable when throttled or a server error, permanent otherwise (a mapping error will not heal).
 */
export function itemOutcome(item: BulkResponse['items'][number]): RecordError | 'ok' {
  const result = Object.values(item)[0];
  if (!result) return { code: 'OpenSearchMalformedItem', message: 'bulk item without a result', retryable: true };
  if ((result.status >= 200 && result.status < 300) || result.status === 409) return 'ok';
  const type = result.error?.type ?? `http_${result.status}`;
  const retryable = retryableStatus(result.status) || type === 'es_rejected_execution_exception';
  return { code: `OpenSearch.${type}`, message: `${result.status}: ${result.error?.reason ?? type}`, retryable };
}

/**
 * What an error body says (`{error: {type, reason}}`, `{error: "…"}`, Amazon OpenSearch Service's
 * `{Message: "…"}`, or text, as a proxy in front answers a 413), in a line.
 */
function bodyReason(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().replace(/\s+/g, ' ').slice(0, 300) || undefined;
  const message = (body as { Message?: unknown } | null)?.Message;
  if (typeof message === 'string') return message.slice(0, 300);
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return error.slice(0, 300);
  const { type, reason } = (error ?? {}) as { type?: unknown; reason?: unknown };
  return type || reason ? [type, reason].filter((part) => typeof part === 'string').join(': ').slice(0, 300) : undefined;
}

/**
 * A whole `_bulk` call that failed, by sluice's one classifier: a timeout or a refused connection (the
 * client's TimeoutError and ConnectionError, which carry no status) is transient, like 429 and 5xx.
 */
export const requestError = (error: unknown): RecordError => {
  const recorded = recordError('OpenSearch', error);
  // the client names the error's type when the body has one; else its message is only "Response Error"
  const reason = recorded.message.endsWith('Response Error') ? bodyReason((error as { meta?: { body?: unknown } } | null)?.meta?.body) : undefined;
  return reason ? { ...recorded, message: `${recorded.message} (${reason})` } : recorded;
};

/**
 * The cluster refused the whole request as larger than it takes: over http.max_content_length (100 MB by
 * default), or Amazon OpenSearch Service's 10 to 100 MiB by instance type. The client's ResponseError
 * carries the HTTP status in `meta.statusCode` (its `statusCode` would prefer a `status` in the body).
 */
export const tooLarge = (error: unknown): boolean => statusOf(error) === 413;

/** A document the cluster refused as too large with nothing else in the request: sent again, it never fits. */
export const documentTooLarge = (requestBytes: number): RecordError => ({
  code: 'OpenSearch.DocumentTooLarge',
  message: `413: the cluster refused as too large a _bulk request of ${requestBytes} bytes holding this document alone; it will never fit`,
  retryable: false,
});
