import { decodeOrThrow } from '../../contracts/decode.ts';
import { FirehoseTransformRequest, FirehoseTransformResponse, MAX_RESPONSE_BYTES } from '../../contracts/firehose.ts';
import { load, store } from '../shared/claim-check.ts';
import type { TaskContext } from '../shared/context.ts';

export interface SyncExecution {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** StartSyncExecution of the pipeline's firehose workflow (the SFN client on AWS, the local engine in tests). */
export type StartSync = (input: string) => Promise<SyncExecution>;

/** What the bridge starts the firehose workflow with: the request, by claim check when it is large (an execution's input is at most 262,144 bytes). */
export const executionInput = (request: FirehoseTransformRequest, ctx: TaskContext) => store(request, request.records.length, `firehose.${request.invocationId}`, ctx);

/**
 * The Firehose transformation Lambda: starts the firehose workflow synchronously (with the request by
 * claim check when it is large) and returns its 1:1 response. A failed execution throws, so Firehose
 * retries the invocation and then keeps the records under processing-failed/.
 */
export async function bridge(event: unknown, ctx: TaskContext, startSync: StartSync): Promise<FirehoseTransformResponse> {
  const request = decodeOrThrow(FirehoseTransformRequest, event, 'Firehose transformation request');
  const execution = await startSync(JSON.stringify(await executionInput(request, ctx)));
  if (execution.status !== 'SUCCEEDED' || execution.output === undefined) {
    throw new Error(`the firehose workflow ended ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trim());
  }
  const response = decodeOrThrow(FirehoseTransformResponse, await load(JSON.parse(execution.output) as unknown, ctx), 'firehose workflow output');
  const answered = response.records.map((record) => record.recordId).join('\n');
  if (answered !== request.records.map((record) => record.recordId).join('\n')) {
    throw new Error('the firehose workflow did not answer every recordId exactly once, in order');
  }
  // the workflow keeps its response within the limit and counts what did not fit: a larger one is a defect, not something to trim here
  const bytes = Buffer.byteLength(JSON.stringify(response));
  if (bytes > MAX_RESPONSE_BYTES) throw new Error(`the firehose workflow answered ${bytes} bytes, over Firehose's ${MAX_RESPONSE_BYTES}`);
  return response;
}
