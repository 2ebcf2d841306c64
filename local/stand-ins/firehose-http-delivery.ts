import { gzipSync } from 'node:zlib';
import { setTimeout as wait } from 'node:timers/promises';

export interface HttpDeliveryOptions {
  url: string;
  accessKey: string;
  records: Buffer[];
  /** How long Firehose keeps trying (0-7,200 s; 300 by default): 0 is one attempt. */
  retryDurationSeconds: number;
  /** A delivery of records tried before (the stream's retry of a batch): its requestId, and when it began, where the retry duration runs from. */
  requestId?: string;
  startedAt?: number;
  sourceArn?: string;
  commonAttributes?: Record<string, string>;
  gzip?: boolean;
  /** The endpoint has 3 minutes to answer on AWS. */
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface HttpDeliveryFailure {
  record: Buffer;
  errorCode: string;
  errorMessage: string;
  attempts: number;
}

type Outcome = { ok: true } | { ok: false; code: string; message: string };

/**
 * Firehose's HTTP endpoint delivery, as the delivery stream does it (contract section 12): one request
 * per buffer, its requestId the same across retries (the endpoint may deduplicate by it), delivered
 * only on a 200 whose body echoes the requestId; otherwise retried with backoff until the retry
 * duration is spent, then every record reported failed with Firehose's error code.
 */
export async function deliverToHttpEndpoint(options: HttpDeliveryOptions): Promise<{ delivered: number; failed: HttpDeliveryFailure[] }> {
  const sleep = options.sleep ?? wait;
  const now = options.now ?? Date.now;
  const requestId = options.requestId ?? crypto.randomUUID();
  const until = (options.startedAt ?? now()) + options.retryDurationSeconds * 1000;
  const json = JSON.stringify({ requestId, timestamp: now(), records: options.records.map((record) => ({ data: record.toString('base64') })) });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amz-firehose-protocol-version': '1.0',
    'x-amz-firehose-request-id': requestId,
    'x-amz-firehose-access-key': options.accessKey,
    ...(options.sourceArn ? { 'x-amz-firehose-source-arn': options.sourceArn } : {}),
    ...(options.commonAttributes ? { 'x-amz-firehose-common-attributes': JSON.stringify({ commonAttributes: options.commonAttributes }) } : {}),
    ...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
  };
  const body = options.gzip ? new Uint8Array(gzipSync(json)) : json;
  let attempts = 0;
  for (;;) {
    attempts++;
    const outcome = await post(options.url, headers, body, requestId, options.requestTimeoutMs ?? 180_000);
    if (outcome.ok) return { delivered: options.records.length, failed: [] };
    const backoff = Math.min(1000 * 2 ** (attempts - 1), 30_000);
    if (now() + backoff > until) {
      return { delivered: 0, failed: options.records.map((record) => ({ record, errorCode: outcome.code, errorMessage: outcome.message, attempts })) };
    }
    await sleep(backoff);
  }
}

async function post(url: string, headers: Record<string, string>, body: string | Uint8Array<ArrayBuffer>, requestId: string, timeoutMs: number): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const e = error as Error;
    if (e.name === 'TimeoutError') return { ok: false, code: 'HttpEndpoint.RequestTimeout', message: `no answer from ${url} within ${timeoutMs} ms` };
    return { ok: false, code: 'HttpEndpoint.DestinationException', message: `${url}: ${(e.cause as Error | undefined)?.message ?? e.message}` };
  }
  const text = await response.text();
  if (response.status !== 200) return { ok: false, code: 'HttpEndpoint.ResponseErrorCode', message: `${url} answered ${response.status}: ${text.slice(0, 200)}` };
  try {
    const answer = JSON.parse(text) as { requestId?: unknown };
    if (answer.requestId === requestId) return { ok: true };
    return { ok: false, code: 'HttpEndpoint.InvalidResponseFromDestination', message: `${url} answered requestId ${String(answer.requestId)}, not ${requestId}` };
  } catch {
    return { ok: false, code: 'HttpEndpoint.InvalidResponseFromDestination', message: `${url} answered 200 with a body that is not JSON` };
  }
}
