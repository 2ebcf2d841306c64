import { contextFromEnv, type TaskContext } from './context.ts';

/**
 * Wraps a task as a Lambda handler: the context is built once per container, at the first call; each call
 * hands the task the ARN it was invoked by (decode reads a Pipes batch's pipeline from its alias).
 */
export function lambdaHandler<I, O>(
  task: (input: I, ctx: TaskContext, invokedFunctionArn: string) => Promise<O>,
): (input: I, context: { invokedFunctionArn: string }) => Promise<O> {
  let ctx: TaskContext | undefined;
  return (input, context) => {
    ctx ??= contextFromEnv();
    return task(input, ctx, context.invokedFunctionArn);
  };
}
