import { ProvisionedThroughputExceededException, ResourceNotFoundException, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { NoSuchBucket, S3ServiceException } from '@aws-sdk/client-s3';
import { errors as openSearchErrors } from '@opensearch-project/opensearch';
import { describe, expect, it } from 'vitest';
import { AccountingMismatchError, TransientError } from '../../../contracts/errors.ts';
import { ContractError } from '../../../contracts/decode.ts';
import { requestError } from '../../../tasks/deliver/sinks/opensearch/retry-logic.ts';
import { callError } from '../../../tasks/deliver/sinks/dynamodb/retry-logic.ts';
import { isTransient, located } from '../../../tasks/shared/transient.ts';

const meta = { $metadata: {} };
const dynamo = (name: string, status: number) => new DynamoDBServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
const s3 = (name: string, status: number) => new S3ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
const network = (code: string) => Object.assign(new Error(`socket: ${code}`), { code });
const response = (statusCode: number) => new openSearchErrors.ResponseError({ body: { error: { type: 'x' } }, statusCode, headers: {}, meta: {} as never, warnings: null } as never);

describe('one classifier of transient vs permanent, for every sink and task (issue 6)', () => {
  it('OpenSearch: a timeout and a refused connection are transient, with their own names (no more http_null)', () => {
    const timeout = new openSearchErrors.TimeoutError('Request timed out', {} as never);
    const refused = new openSearchErrors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200', {} as never);
    expect(requestError(timeout)).toMatchObject({ code: 'OpenSearch.TimeoutError', retryable: true });
    expect(requestError(refused)).toMatchObject({ code: 'OpenSearch.ConnectionError', retryable: true });
    expect(requestError(new openSearchErrors.NoLivingConnectionsError('none', {} as never))).toMatchObject({ retryable: true });
  });

  it('OpenSearch: 429 and 5xx are transient, 400 and 403 are not', () => {
    expect(requestError(response(429))).toMatchObject({ retryable: true });
    expect(requestError(response(503))).toMatchObject({ retryable: true });
    expect(requestError(response(400))).toMatchObject({ retryable: false });
    expect(requestError(response(403))).toMatchObject({ retryable: false });
  });

  it('DynamoDB: throttling and server errors are transient; validation, a missing table and an unknown error are not', () => {
    expect(callError(new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }))).toMatchObject({ code: 'DynamoDB.ProvisionedThroughputExceededException', retryable: true });
    expect(callError(dynamo('ThrottlingException', 400))).toMatchObject({ retryable: true });
    expect(callError(dynamo('InternalServerError', 500))).toMatchObject({ retryable: true });
    expect(callError(dynamo('ValidationException', 400))).toMatchObject({ code: 'DynamoDB.ValidationException', retryable: false });
    expect(callError(new ResourceNotFoundException({ message: 'no table', $metadata: { httpStatusCode: 400 } }))).toMatchObject({ retryable: false });
    expect(callError(network('ECONNRESET'))).toMatchObject({ retryable: true });
    expect(callError(new TypeError('a bug'))).toMatchObject({ retryable: false });
  });

  it('S3: SlowDown, 5xx, a reset connection and a timeout become Sluice.Transient; a missing bucket and access denied keep their names and say where', () => {
    expect(located(s3('SlowDown', 503), 'put')).toBeInstanceOf(TransientError);
    expect(located(s3('InternalError', 500), 'put')).toBeInstanceOf(TransientError);
    expect(located(network('ECONNREFUSED'), 'put')).toBeInstanceOf(TransientError);
    expect(located(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'put')).toBeInstanceOf(TransientError);
    const missing = new NoSuchBucket({ message: 'no bucket', $metadata: { httpStatusCode: 404 } });
    expect(located(missing, 'put')).toMatchObject({ name: 'NoSuchBucket', message: 'put: no bucket', cause: missing });
    expect(isTransient(located(missing, 'put'))).toBe(false);
    const denied = s3('AccessDenied', 403);
    expect(located(denied, 'reading s3://b/k')).toMatchObject({ name: 'AccessDenied', message: expect.stringMatching(/^reading s3:\/\/b\/k: /) });
    expect(located(denied, 'put')).not.toBeInstanceOf(TransientError);
  });

  it('sluice\'s own errors pass as they are: they say what and where already', () => {
    const mismatch = new AccountingMismatchError('b-1: 3 in, 2 out');
    expect(located(mismatch, 'put')).toBe(mismatch);
  });

  it('sluice\'s own errors say what they are; a cause is looked through', () => {
    expect(isTransient(new TransientError('x'))).toBe(true);
    expect(isTransient(new ContractError('input', ['bad']))).toBe(false);
    expect(isTransient(new AccountingMismatchError('off by one'))).toBe(false);
    expect(isTransient(new Error('wrapped', { cause: network('ETIMEDOUT') }))).toBe(true);
    expect(isTransient(Object.assign(new Error('408'), { statusCode: 408 }))).toBe(true);
    expect(isTransient(undefined)).toBe(false);
  });
});
