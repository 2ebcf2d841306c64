import { CopyObjectCommand } from '@aws-sdk/client-s3';
import type { TaskContext } from '../../tasks/shared/context.ts';

/**
 * An S3 client that lets the first `allowed` CopyObject calls through (a lake commit's first objects) and
 * refuses every later one for good (a 403), while `refusing()` says so: a commit that stops halfway.
 */
export function copiesRefusedAfter(s3: TaskContext['s3'], allowed = 1, refusing: () => boolean = () => true): TaskContext['s3'] {
  let copies = 0;
  return new Proxy(s3, {
    get: (target, key, receiver) =>
      key === 'send'
        ? async (command: object) => {
            if (command instanceof CopyObjectCommand && copies++ >= allowed && refusing()) throw Object.assign(new Error('injected: copy refused'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
            return target.send(command as never);
          }
        : Reflect.get(target, key, receiver),
  });
}
