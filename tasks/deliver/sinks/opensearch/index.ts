import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import type { OpenSearchSinkConfig } from '../../../../contracts/config.ts';
import { report } from '../../../../contracts/decode.ts';
import { DEADLINE_REACHED, failAll, sinkName, type DeliveryScope, type Sink, type SinkOutcome } from '../sink.ts';
import { bulkRequests, halves, type BulkRequest } from './request-builder.ts';
import { BulkResponse, documentTooLarge, itemOutcome, requestError, tooLarge } from './retry-logic.ts';

/** OpenSearch's recommended bulk size is 5-15 MB; stay under the lower bound. */
const DEFAULT_MAX_BULK_BYTES = 5_000_000;

type BulkClient = { bulk(params: { body: string }, options: { requestTimeout: number }): Promise<{ statusCode: number | null; body: unknown }> };

/** Per request, unless the configuration says otherwise; always cut to what the deliver step has left. */
const DEFAULT_TIMEOUT_MS = 10_000;

/** The endpoint: configured, or read once per container from its Secrets Manager secret. */
async function endpointOf(config: OpenSearchSinkConfig): Promise<string> {
  if (config.endpoint) return config.endpoint;
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: config.endpointSecretArn }));
  if (!secret.SecretString) throw new Error(`secret ${config.endpointSecretArn} holds no endpoint`);
  return secret.SecretString.trim();
}

/** Amazon OpenSearch Service (es) and Serverless (aoss) endpoints take SigV4-signed requests. */
const awsService = (endpoint: string) => /\.(es|aoss)\.amazonaws\.com/.exec(endpoint)?.[1] as 'es' | 'aoss' | undefined;

async function connect(config: OpenSearchSinkConfig): Promise<{ client: BulkClient; endpoint: string }> {
  // loaded on first use: pipelines without OpenSearch never pay for the client
  const [{ Client }, endpoint] = await Promise.all([import('@opensearch-project/opensearch'), endpointOf(config)]);
  const service = awsService(endpoint);
  const signer = service
    ? (await import('@opensearch-project/opensearch/aws-v3')).AwsSigv4Signer({ region: process.env.AWS_REGION ?? 'us-east-1', service })
    : {};
  // retries are the workflow's (a visible loop over failed records), not hidden in the client
  const client = new Client({ ...signer, node: endpoint, maxRetries: 0, requestTimeout: config.timeoutMs ?? DEFAULT_TIMEOUT_MS }) as unknown as BulkClient;
  return { client, endpoint };
}

/**
 * OpenSearch `_bulk` with `create` and deterministic `_id`s; per-item outcomes. Requests are cut to
 * `maxBulkBytes` before they go; one the cluster still refuses as too large (413) goes again in halves.
 */
export function openSearchSink(config: OpenSearchSinkConfig): Sink {
  let connection: Promise<{ client: BulkClient; endpoint: string }> | undefined;
  return {
    name: sinkName(config),
    async deliver(records: Rec[], scope: DeliveryScope): Promise<SinkOutcome> {
      connection ??= connect(config);
      let client: BulkClient;
      let endpoint: string;
      try {
        ({ client, endpoint } = await connection);
      } catch (error) {
        connection = undefined;
        return { failed: failAll(records, requestError(error)), outputs: [] };
      }
      const failed = new Map<string, RecordError>();
      const send = async (request: BulkRequest): Promise<void> => {
        const left = scope.deadline - scope.now();
        if (left <= 0) {
          failAll(request.records, DEADLINE_REACHED, failed);
          return;
        }
        let response: unknown;
        try {
          response = (await client.bulk({ body: request.body }, { requestTimeout: Math.min(config.timeoutMs ?? DEFAULT_TIMEOUT_MS, left) })).body;
        } catch (error) {
          if (!tooLarge(error)) failAll(request.records, requestError(error), failed);
          else if (request.records.length === 1) failed.set(request.records[0]!.id, documentTooLarge(Buffer.byteLength(request.body)));
          // refused as a whole, nothing written: halves until each fits, so only a document too large alone fails
          else for (const half of halves(request, config.index)) await send(half);
          return;
        }
        const decoded = BulkResponse.decode(response);
        if (decoded._tag === 'Left' || decoded.right.items.length !== request.records.length) {
          const why = decoded._tag === 'Left' ? report(decoded.left).join('; ') : 'item count differs from the request';
          failAll(request.records, { code: 'OpenSearch.MalformedResponse', message: why, retryable: true }, failed);
          return;
        }
        decoded.right.items.forEach((item, i) => {
          const outcome = itemOutcome(item);
          if (outcome !== 'ok') failed.set(request.records[i]!.id, outcome);
        });
      };
      for (const request of bulkRequests(records, config.index, config.maxBulkBytes ?? DEFAULT_MAX_BULK_BYTES)) await send(request);
      return { failed, outputs: failed.size < records.length ? [`${endpoint.replace(/\/+$/, '')}/${config.index}`] : [] };
    },
  };
}
