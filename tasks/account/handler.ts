import { lambdaHandler } from '../shared/lambda.ts';
import { account } from './index.ts';

export const handler = lambdaHandler(account);
