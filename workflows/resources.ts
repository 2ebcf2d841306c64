import { TASKS, type TaskName } from '../contracts/timing.ts';

const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);

/** The `definitionSubstitutions` key of a task's function ARN, e.g. `DecodeFunctionArn`. */
export const functionArnKey = (task: TaskName): string => `${pascal(task)}FunctionArn`;

/** The Resource of a Task state calling `task`: a placeholder CDK and the local engine substitute. */
export const resourceOf = (task: TaskName): string => `\${${functionArnKey(task)}}`;

/** The pipeline a deployed state machine serves; substituted like the ARNs. */
export const PIPELINE_KEY = 'PipelineName';
export const PIPELINE_PLACEHOLDER = `\${${PIPELINE_KEY}}`;

/** Every placeholder a sluice workflow may contain. */
export const PLACEHOLDERS: readonly string[] = [...TASKS.map(functionArnKey), PIPELINE_KEY];

/**
 * The Resource of a Task state calling `task` under the pipeline's alias (`<function ARN>:<pipeline>`): the
 * function learns its pipeline from the ARN it was invoked by, so the state needs no Parameters around its input.
 */
export const pipelineResourceOf = (task: TaskName): string => `${resourceOf(task)}:${PIPELINE_PLACEHOLDER}`;

/** The task a Task state's Resource names, if it is one of sluice's placeholders (under the pipeline's alias or not). */
export function taskOfResource(resource: unknown): TaskName | undefined {
  if (typeof resource !== 'string') return undefined;
  return TASKS.find((task) => resource === resourceOf(task) || resource === pipelineResourceOf(task));
}

/** Replaces `${Key}` placeholders in a rendered definition, as CloudFormation's substitutions do. */
export function substitute(asl: string, values: Record<string, string>): string {
  return asl.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => (key in values ? values[key]! : whole));
}
