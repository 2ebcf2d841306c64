import { lambdaHandler } from '../shared/lambda.ts';
import { decode } from './index.ts';
import { triggerOf } from './trigger.ts';

const run = lambdaHandler(decode);

/** A Pipes batch comes to the pipeline's alias of the function, which names its pipeline (trigger.ts). */
export const handler = async (event: unknown, context: { invokedFunctionArn: string }) => run(triggerOf(event, context.invokedFunctionArn));
