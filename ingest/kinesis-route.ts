import { randomUUID } from 'node:crypto';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { DeploymentEnv } from '../contracts/deployment.ts';
import { maxPipesRecordBytes } from '../contracts/pipes-kinesis.ts';
import { isTransient } from '../tasks/shared/transient.ts';

/** Characters of the Pipes envelope that are longer on AWS than the estimate (the Pipe role's ARN, the region, the account). */
const AWS_ENVELOPE_SLACK = 256;

/** What API Gateway hands a Lambda proxy integration (REST API), as far as the route reads it. */
export interface ProxyEvent {
  resource?: string;
  path?: string;
  body: string | null;
  isBase64Encoded?: boolean;
  requestContext?: { requestId?: string };
}

export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const answer = (statusCode: number, body: Record<string, unknown>): ProxyResult => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * `POST /<pipeline>/events` on AWS: the request body onto the pipeline's stream as one record, as the local
 * ingest puts an event, answered 202. An event too large to reach the workflow (base64'd in its Pipes envelope,
 * over the 262,144 characters a Pipe hands Step Functions) is refused with 413, as the local ingest refuses it:
 * API Gateway's Kinesis integration took it, and the Pipe dead-lettered it, with nothing in sluice to read it back.
 */
export function kinesisRoute(kinesis: Pick<KinesisClient, 'send'>, streams: Record<string, string>) {
  // each stream's limit once, not at every request
  const routes = new Map(Object.entries(streams).map(([pipeline, stream]) => [pipeline, { stream, limit: maxPipesRecordBytes(stream, AWS_ENVELOPE_SLACK) }]));
  return async (event: ProxyEvent): Promise<ProxyResult> => {
    const pipeline = (event.resource ?? event.path ?? '').split('/')[1] ?? '';
    const route = routes.get(pipeline);
    if (!route) return answer(404, { accepted: false, error: `no kinesis pipeline named ${JSON.stringify(pipeline)} (known: ${[...routes.keys()].join(', ')})` });
    const { stream, limit } = route;
    const data = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
    if (data.length > limit) {
      return answer(413, { accepted: false, error: `the event is ${data.length} bytes, over the ${limit} that fit, base64'd in their Pipes envelope, in the 262,144 characters a Pipe hands Step Functions: it would never reach the workflow` });
    }
    try {
      await kinesis.send(new PutRecordCommand({ StreamName: stream, Data: data, PartitionKey: event.requestContext?.requestId ?? randomUUID() }));
    } catch (error) {
      // the route builds the put itself (the body's size is checked above): what Kinesis refuses is the stack's
      // fault (a stream gone, a key or a policy), never the request's, so a 5xx, which clients send again
      const reason = `${(error as Error).name}: ${(error as Error).message}`;
      return isTransient(error) ? answer(503, { accepted: false, error: `stream unavailable, not accepted: ${reason}` }) : answer(500, { accepted: false, error: `not accepted: the stream refused the put: ${reason}` });
    }
    return answer(202, { accepted: true });
  };
}

export const handler = kinesisRoute(new KinesisClient({}), JSON.parse(process.env[DeploymentEnv.ingestStreams] ?? '{}') as Record<string, string>);
