import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import type { OpenSearchSinkConfig } from '../../../../contracts/config.ts';
import { report } from '../../../../contracts/decode.ts';
import { DEADLINE_REACHED, failAll, sinkName, type DeliveryScope, type Sink, type SinkOutcome } from '../sink.ts';
import { bulkRequests } from './request-builder.ts';
import { BulkResponse, itemOutcome, requestError } from './retry-logic.ts';

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

/** OpenSearch `_bulk` with `create` and deterministic `_id`s; per-item outcomes. */
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
      for (const request of bulkRequests(records, config.index, config.maxBulkBytes ?? DEFAULT_MAX_BULK_BYTES)) {
        const left = scope.deadline - scope.now();
        if (left <= 0) {
          failAll(request.records, DEADLINE_REACHED, failed);
          continue;
        }
        let response: unknown;
        try {
          response = (await client.bulk({ body: request.body }, { requestTimeout: Math.min(config.timeoutMs ?? DEFAULT_TIMEOUT_MS, left) })).body;
        } catch (error) {
          failAll(request.records, requestError(error), failed);
          continue;
        }
        const decoded = BulkResponse.decode(response);
        if (decoded._tag === 'Left' || decoded.right.items.length !== request.records.length) {
          const why = decoded._tag === 'Left' ? report(decoded.left).join('; ') : 'item count differs from the request';
          failAll(request.records, { code: 'OpenSearch.MalformedResponse', message: why, retryable: true }, failed);
          continue;
        }
        decoded.right.items.forEach((item, i) => {
          const outcome = itemOutcome(item);
          if (outcome !== 'ok') failed.set(request.records[i]!.id, outcome);
        });
      }
      return { failed, outputs: failed.size < records.length ? [`${endpoint.replace(/\/+$/, '')}/${config.index}`] : [] };
    },
  };
}
