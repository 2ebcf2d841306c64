import { EXPRESS_LIMIT_SECONDS, SPLIT_TIMEOUT_SECONDS } from '../contracts/timing.ts';
import { graph } from './asl/graph.ts';
import { pass, task } from './asl/states.ts';
import { failureTail } from './failure-tail.ts';
import { catchAll, transientRetry } from './policy.ts';
import { Names } from './record-chain.ts';
import { PIPELINE_PLACEHOLDER, resourceOf } from './resources.ts';

const HANDED = 'Chunks handed to their executions';

/**
 * An S3 ObjectCreated event (EventBridge rule, asynchronous): the object streamed and cut into chunks,
 * each chunk an execution of the s3-chunk workflow. A chunk is a batch like any other and takes as long
 * as one; an object of any size would not fit in one Express execution, its chunks one after another.
 */
export const s3Workflow = graph(
  'sluice s3: an S3 object cut into chunks, each started as an execution of its own (sluice-<pipeline>-chunks); the object\'s ledger row adds them up',
  [
    [
      Names.split,
      task(
        {
          comment: 'Stream the object, cut it at line boundaries into chunk objects in the work bucket, write the object\'s ledger row and start one chunk execution per chunk',
          resource: resourceOf('decode'),
          parameters: { pipeline: PIPELINE_PLACEHOLDER, workflow: 's3', 'input.$': '$', 'execution.$': '$$.Execution.Id' },
          timeoutSeconds: SPLIT_TIMEOUT_SECONDS,
          retry: transientRetry,
          catch: catchAll(Names.backupInput),
        },
        { next: HANDED },
      ),
    ],
    [HANDED, pass('Each chunk execution accounts for its lines; the last to end writes how the object ended', {}, { end: true })],
    ...failureTail('s3'),
  ],
  { timeoutSeconds: EXPRESS_LIMIT_SECONDS },
);
