import type { RecordError } from '../../contracts/batch.ts';
import { SluiceError, TransientError } from '../../contracts/errors.ts';

/** Error names (SDK exceptions, client errors) of calls that may succeed if made again. */
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  // Kinesis (and others) on a stream encrypted with a KMS key: the key's request rate
  'KMSThrottlingException',
  'RequestLimitExceeded',
  'SlowDown',
  'InternalError',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  // @opensearch-project/opensearch: the request never got an answer, or one that did not parse (cut short:
  // what it did is unknown, and a `create` sent again by the same _id answers 409 for what was written)
  'ConnectionError',
  'NoLivingConnectionsError',
  'DeserializationError',
]);

/** Node's codes for connections that were refused, reset or timed out, and DNS that did not answer. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

type Described = {
  name?: string;
  code?: string;
  statusCode?: number;
  $metadata?: { httpStatusCode?: number };
  meta?: { statusCode?: number | null };
  $retryable?: unknown;
  cause?: unknown;
};

/** The HTTP status an error carries: AWS SDK v3, the OpenSearch client, or a plain `statusCode`. */
export function statusOf(error: unknown): number | undefined {
  const e = (error ?? {}) as Described;
  const status = e.$metadata?.httpStatusCode ?? e.meta?.statusCode ?? e.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The one classifier of sluice: transient (timeouts, connections reset or refused, 408, 429, 5xx,
 * throttling) or permanent (validation-type 4xx, malformed data, anything unknown). An unknown error
 * is permanent on purpose: retrying a bug only delays the backup that keeps the record.
 */
export function isTransient(error: unknown, depth = 0): boolean {
  if (error instanceof SluiceError) return error.retryable;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Described;
  // by name first: DynamoDB throttles with HTTP 400
  if ((e.name && TRANSIENT_NAMES.has(e.name)) || (e.code && TRANSIENT_CODES.has(e.code))) return true;
  if (e.$retryable) return true;
  const status = statusOf(error);
  if (status !== undefined && status !== 0) return status === 408 || status === 429 || status >= 500;
  return depth < 4 && e.cause !== undefined && isTransient(e.cause, depth + 1);
}

/** A failed call as a record's outcome: `<service>.<name or status>`, its message, transient or not. */
export function recordError(service: string, error: unknown): RecordError {
  const status = statusOf(error);
  const name = (error as Error)?.name;
  const code = name && name !== 'Error' && name !== 'ResponseError' ? name : status !== undefined ? `http_${status}` : ((error as Described)?.code ?? 'Error');
  const message = (error as Error)?.message ?? String(error);
  return { code: `${service}.${code}`, message: status !== undefined ? `${status}: ${message}` : message, retryable: isTransient(error) };
}

/**
 * A failed call's error, saying what was being done: one that may pass becomes Sluice.Transient so the
 * workflow's Retry takes it; any other keeps its name (NoSuchKey, AccessDenied: what the Catch and the
 * ledger record) and learns where it happened. sluice's own errors already say both.
 */
export function located(error: unknown, what: string): unknown {
  if (error instanceof SluiceError || !(error instanceof Error)) return error;
  if (isTransient(error)) return new TransientError(`${what}: ${error.message}`, { cause: error });
  return Object.assign(new Error(`${what}: ${error.message}`, { cause: error }), { name: error.name });
}
