import { graph } from './asl/graph.ts';
import { inlineMap, task } from './asl/states.ts';
import { failureTail } from './failure-tail.ts';
import { EXPRESS_LIMIT_SECONDS, SPLIT_TIMEOUT_SECONDS, TASK_TIMEOUT_SECONDS } from '../contracts/timing.ts';
import { catchAll, transientRetry } from './policy.ts';
import { Names, recordChain, withExecution } from './record-chain.ts';
import { PIPELINE_PLACEHOLDER, resourceOf } from './resources.ts';

const SPLIT = 'Split object into chunks';
const MAP = 'Process chunks';

const chunkProcessor = graph('One chunk of the object, as a batch of its lines', [
  ...recordChain('s3', {
    decodeName: 'Decode chunk',
    accountName: 'Account for chunk',
    decodeComment: 'Read the chunk object and decode each line; quarantine what cannot be decoded',
    decodeParameters: {
      'pipeline.$': '$.pipeline',
      'workflow.$': '$.workflow',
      'batchId.$': '$.batchId',
      'source.$': '$.source',
      'chunk.$': '$.chunk',
      'index.$': '$.index',
    },
    then: { end: true },
  }),
]);

/** An S3 ObjectCreated event (EventBridge rule, asynchronous): the object streamed in chunks through the chain. */
export const s3Workflow = graph(
  'sluice s3: an S3 object cut into chunks, each decoded, validated, enriched, delivered and accounted; then the object is accounted',
  [
    [
      SPLIT,
      task(
        {
          comment: 'Stream the object and cut it at line boundaries into chunk objects in the work bucket',
          resource: resourceOf('decode'),
          parameters: { pipeline: PIPELINE_PLACEHOLDER, workflow: 's3', 'input.$': '$', 'execution.$': '$$.Execution.Id' },
          timeoutSeconds: SPLIT_TIMEOUT_SECONDS,
          retry: transientRetry,
          catch: catchAll(Names.backupInput),
        },
        { next: MAP },
      ),
    ],
    [
      MAP,
      inlineMap(
        {
          comment: 'Each chunk is a batch of its own (inline Map over chunk references, never over single records)',
          itemsPath: '$.chunks',
          itemSelector: {
            'pipeline.$': '$.pipeline',
            'workflow.$': '$.workflow',
            'batchId.$': '$.batchId',
            'source.$': '$.source',
            'chunk.$': '$$.Map.Item.Value',
            'index.$': '$$.Map.Item.Index',
          },
          maxConcurrencyPath: '$.concurrency',
          processor: chunkProcessor,
          resultPath: '$.results',
          catch: catchAll(Names.backupInput),
        },
        { next: Names.account },
      ),
    ],
    [
      Names.account,
      task(
        {
          comment: 'Check that the chunks account for every line of the object and write its ledger row',
          resource: resourceOf('account'),
          parameters: withExecution,
          timeoutSeconds: TASK_TIMEOUT_SECONDS.account,
          retry: transientRetry,
          catch: catchAll(Names.backupInput),
        },
        { end: true },
      ),
    ],
    ...failureTail('s3'),
  ],
  { timeoutSeconds: EXPRESS_LIMIT_SECONDS },
);
