import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { createHash } from 'node:crypto';

/** AWS's length limits of the names sluice gives (a REST API's name has none documented). */
export const NAME_LIMITS = { stateMachine: 80, pipe: 64, deliveryStream: 64, dashboard: 255, restApi: 255 } as const;

/**
 * `<stack name, lowercased>-<parts>`: a second stack in the same account and region (a staging beside
 * production, SLUICE_STACK_NAME) names nothing the first does, and the default stack, Sluice, keeps the
 * `sluice-…` names it always had (a renamed delivery stream or pipe would be replaced, and a new pipe
 * reads its stream again from the trim horizon). A name over its limit is cut and ends in a hash of the
 * whole, so that it stays unique and the same on every synthesis.
 */
export function physicalName(scope: IConstruct, maxLength: number, ...parts: string[]): string {
  const name = [Stack.of(scope).stackName.toLowerCase(), ...parts].join('-');
  if (name.length <= maxLength) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, maxLength - hash.length - 1)}-${hash}`;
}

/** The state machine of a pipeline. */
export const workflowName = (scope: IConstruct, pipeline: string) => physicalName(scope, NAME_LIMITS.stateMachine, pipeline);

/** The chunk state machine of an s3 pipeline, which the decode function starts once per chunk of an object. */
export const chunkWorkflowName = (scope: IConstruct, pipeline: string) => physicalName(scope, NAME_LIMITS.stateMachine, pipeline, 'chunks');

/**
 * Its ARN, formatted from the name rather than referenced: the chunk machine names the decode function
 * (its definition substitutes the function's ARN), so the function cannot name it back.
 */
export const chunkWorkflowArn = (scope: IConstruct, pipeline: string) =>
  Stack.of(scope).formatArn({ service: 'states', resource: 'stateMachine', resourceName: chunkWorkflowName(scope, pipeline), arnFormat: ArnFormat.COLON_RESOURCE_NAME });

/** The delivery stream of a Firehose pipeline. */
export const deliveryStreamName = (scope: IConstruct, pipeline: string) => physicalName(scope, NAME_LIMITS.deliveryStream, pipeline);

/**
 * Its ARN, formatted from the name: the functions that put records back on it (account, the sweep) sit
 * behind its transformation (bridge, state machine, tasks), so a reference to it would close a cycle.
 */
export const deliveryStreamArn = (scope: IConstruct, pipeline: string) =>
  Stack.of(scope).formatArn({ service: 'firehose', resource: 'deliverystream', resourceName: deliveryStreamName(scope, pipeline), arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
