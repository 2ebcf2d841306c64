import { describe, expect, it } from 'vitest';
import { errors } from '@opensearch-project/opensearch';
import { itemOutcome, requestError } from '../../../../../tasks/deliver/sinks/opensearch/retry-logic.ts';

describe('itemOutcome', () => {
  it('takes 2xx as delivered, and 409 on create as delivered by an earlier try', () => {
    expect(itemOutcome({ create: { status: 201, _id: 'a' } })).toBe('ok');
    expect(itemOutcome({ create: { status: 200 } })).toBe('ok');
    expect(itemOutcome({ create: { status: 409, error: { type: 'version_conflict_engine_exception' } } })).toBe('ok');
  });

  it('retries throttling, server errors and a rejected execution', () => {
    const throttled = itemOutcome({ create: { status: 429, error: { type: 'too_many_requests', reason: 'slow down' } } });
    expect(throttled).toStrictEqual({ code: 'OpenSearch.too_many_requests', message: '429: slow down', retryable: true });
    expect(itemOutcome({ create: { status: 503 } })).toStrictEqual({ code: 'OpenSearch.http_503', message: '503: http_503', retryable: true });
    expect(itemOutcome({ create: { status: 400, error: { type: 'es_rejected_execution_exception' } } })).toMatchObject({ retryable: true });
  });

  it('does not retry what will not heal: a mapping error, a 4xx', () => {
    const mapping = itemOutcome({ create: { status: 400, error: { type: 'mapper_parsing_exception', reason: 'failed to parse [age]' } } });
    expect(mapping).toStrictEqual({ code: 'OpenSearch.mapper_parsing_exception', message: '400: failed to parse [age]', retryable: false });
    expect(itemOutcome({ create: { status: 404 } })).toStrictEqual({ code: 'OpenSearch.http_404', message: '404: http_404', retryable: false });
  });

  it('an item without a result fails, retryably', () => {
    expect(itemOutcome({})).toStrictEqual({ code: 'OpenSearchMalformedItem', message: 'bulk item without a result', retryable: true });
  });
});

describe('requestError', () => {
  it('says what the server answered a whole request with, where the client says only "Response Error"', () => {
    const proxy = new errors.ResponseError({ body: '<html><body><h1>413 Request Entity Too Large</h1></body></html>', statusCode: 413, headers: {}, meta: {} as never, warnings: null });
    expect(requestError(proxy)).toStrictEqual({ code: 'OpenSearch.http_413', message: '413: Response Error (<html><body><h1>413 Request Entity Too Large</h1></body></html>)', retryable: false });
    const typed = new errors.ResponseError({ body: { error: { type: 'illegal_argument_exception', reason: 'bad' }, status: 400 }, statusCode: 400, headers: {}, meta: {} as never, warnings: null });
    expect(requestError(typed).message).toBe('400: illegal_argument_exception');
    // Amazon OpenSearch Service's own wording
    const domain = new errors.ResponseError({ body: { Message: 'Request size exceeded 10485760 bytes' }, statusCode: 413, headers: {}, meta: {} as never, warnings: null });
    expect(requestError(domain).message).toBe('413: Response Error (Request size exceeded 10485760 bytes)');
  });

  it('takes a response that did not parse as one that may pass: a create sent again by its _id answers 409 for what was written', () => {
    expect(requestError(new errors.DeserializationError('Unexpected end of JSON input', '{"took":1,"items":[')).retryable).toBe(true);
  });
});
