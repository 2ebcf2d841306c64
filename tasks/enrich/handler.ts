import { lambdaHandler } from '../shared/lambda.ts';
import { enrich } from './index.ts';

export const handler = lambdaHandler(enrich);
