import { contextFromEnv, type TaskContext } from './context.ts';

/** Wraps a task as a Lambda handler; the context is built once per container, at the first call. */
export function lambdaHandler<I, O>(task: (input: I, ctx: TaskContext) => Promise<O>): (input: I) => Promise<O> {
  let ctx: TaskContext | undefined;
  return (input) => {
    ctx ??= contextFromEnv();
    return task(input, ctx);
  };
}
