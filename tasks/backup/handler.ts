import { lambdaHandler } from '../shared/lambda.ts';
import { backup } from './index.ts';

export const handler = lambdaHandler(backup);
