import * as t from 'io-ts';
import type { RecordError } from '../../../../contracts/batch.ts';
import { recordError } from '../../../shared/transient.ts';

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
 * A whole `_bulk` call that failed, by sluice's one classifier: a timeout or a refused connection (the
 * client's TimeoutError and ConnectionError, which carry no status) is transient, like 429 and 5xx.
 */
export const requestError = (error: unknown): RecordError => recordError('OpenSearch', error);
