import { lambdaHandler } from '../shared/lambda.ts';
import { validate } from './index.ts';

export const handler = lambdaHandler(validate);
