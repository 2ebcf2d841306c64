import { ContractError } from '../../contracts/decode.ts';
import type { DecodeTrigger } from '../../contracts/tasks.ts';

/**
 * What decode is handed, from the ARN it was invoked by. The kinesis workflow calls it through the function's
 * alias named after the pipeline (`arn:aws:lambda:<region>:<account>:function:<name>:<pipeline>`) with the
 * Pipes batch bare: a batch may fill the payload limit, so nothing is added around it. Every other input
 * comes in decode's Parameters, which name the pipeline and the execution themselves.
 */
export function triggerOf(event: unknown, invokedFunctionArn: string): unknown {
  const alias = invokedFunctionArn.split(':')[7];
  if (alias !== undefined) return { pipeline: alias, workflow: 'kinesis', input: event } satisfies DecodeTrigger;
  if (Array.isArray(event)) throw new ContractError('decode input', [`a Pipes batch came through ${invokedFunctionArn || 'no ARN'}, not a pipeline's alias of the function: its pipeline is unknown`]);
  return event;
}
