import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TaskContext } from '../../tasks/shared/context.ts';

/**
 * The ledger refuses the account step's final row once, for good (a permanent 400): the execution fails
 * after delivery, which is what makes Pipes retry a batch, then bisect it.
 */
export function ledgerRefusingOnce(ddb: TaskContext['ddb']): { ddb: TaskContext['ddb']; state: { left: number } } {
  const state = { left: 1 };
  const refusing = new Proxy(ddb, {
    get: (target, key, receiver) =>
      key === 'send'
        ? (command: object) => {
            const values = command instanceof UpdateCommand ? Object.values(command.input.ExpressionAttributeValues ?? {}) : [];
            if (state.left > 0 && (values.includes('SUCCEEDED') || values.includes('BACKED_UP'))) {
              state.left--;
              return Promise.reject(Object.assign(new Error('injected: the ledger refused the row'), { name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
            }
            return target.send(command as never);
          }
        : Reflect.get(target, key, receiver),
  });
  return { ddb: refusing, state };
}
