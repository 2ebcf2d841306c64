import { lambdaHandler } from '../shared/lambda.ts';
import { decode } from './index.ts';

export const handler = lambdaHandler(decode);
