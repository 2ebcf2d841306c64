import { lambdaHandler } from '../shared/lambda.ts';
import { deliver } from './index.ts';

export const handler = lambdaHandler(deliver);
