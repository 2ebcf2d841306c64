import { decodeOrThrow } from '../../contracts/decode.ts';
import { FirehoseTransformRequest, FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { load, store } from '../shared/claim-check.ts';
import type { TaskContext } from '../shared/context.ts';

/** Firehose takes at most 6 MB back from a transformation Lambda. */
export const MAX_RESPONSE_BYTES = 6_000_000;

export interface SyncExecution {
  status: string;
  output?: string;
  error?: string;
  cause?: string;
}

/** StartSyncExecution of the pipeline's firehose workflow (the SFN client on AWS, the local engine in tests). */
export type StartSync = (input: string) => Promise<SyncExecution>;

/**
 * Keeps the response within 6 MB: from the end, records that do not fit go back as ProcessingFailed with
 * their original data, so Firehose writes them under processing-failed/ (never dropped silently).
 */
export function fitResponse(response: FirehoseTransformResponse, request: FirehoseTransformRequest, limit = MAX_RESPONSE_BYTES) {
  const records = [...response.records];
  let bytes = Buffer.byteLength(JSON.stringify({ records }));
  let failedOver = 0;
  for (let i = records.length - 1; i >= 0 && bytes > limit; i--) {
    const record = records[i]!;
    if (record.result !== 'Ok') continue;
    const original = request.records[i]!.data;
    const replacement = { recordId: record.recordId, result: 'ProcessingFailed' as const, data: original };
    bytes += Buffer.byteLength(JSON.stringify(replacement)) - Buffer.byteLength(JSON.stringify(record));
    records[i] = replacement;
    failedOver++;
  }
  if (bytes > limit) throw new Error(`the response is ${bytes} bytes even with every record failed over: over Firehose's ${limit}`);
  return { response: { records }, failedOver };
}

/**
 * The Firehose transformation Lambda: starts the firehose workflow synchronously (with the request by
 * claim check when it is large) and returns its 1:1 response. A failed execution throws, so Firehose
 * retries the invocation and then keeps the records under processing-failed/.
 */
export async function bridge(event: unknown, ctx: TaskContext, startSync: StartSync): Promise<FirehoseTransformResponse> {
  const request = decodeOrThrow(FirehoseTransformRequest, event, 'Firehose transformation request');
  const input = await store(request, request.records.length, `firehose.${request.invocationId}`, ctx);
  const execution = await startSync(JSON.stringify(input));
  if (execution.status !== 'SUCCEEDED' || execution.output === undefined) {
    throw new Error(`the firehose workflow ended ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trim());
  }
  const response = decodeOrThrow(FirehoseTransformResponse, await load(JSON.parse(execution.output) as unknown, ctx), 'firehose workflow output');
  const answered = response.records.map((record) => record.recordId).join('\n');
  if (answered !== request.records.map((record) => record.recordId).join('\n')) {
    throw new Error('the firehose workflow did not answer every recordId exactly once, in order');
  }
  return fitResponse(response, request).response;
}
