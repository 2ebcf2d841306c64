import { EXPRESS_LIMIT_SECONDS, SPLIT_TIMEOUT_SECONDS } from '../contracts/timing.ts';
import { graph } from './asl/graph.ts';
import { choice, pass } from './asl/states.ts';
import { failureTail } from './failure-tail.ts';
import { Names, recordChain } from './record-chain.ts';
import { PIPELINE_PLACEHOLDER } from './resources.ts';

const HANDED = 'Chunks handed to their executions';

/**
 * An S3 ObjectCreated event (EventBridge rule, asynchronous). An object of one chunk (most: the kinesis
 * stage writes small ones) is decoded and run through the record chain here, its row the object's. A
 * larger one is streamed and cut into chunks, each an execution of the s3-chunk workflow: an object of any
 * size would not fit in one Express execution, its chunks one after another.
 */
export const s3Workflow = graph(
  'sluice s3: an S3 object of one chunk through the record chain; a larger one cut into chunks, each started as an execution of its own (sluice-<pipeline>-chunks), its ledger row adding them up',
  [
    ...recordChain('s3', {
      catchTo: Names.backupInput,
      catchDecodedTo: Names.backupBatchInput,
      decodeName: Names.split,
      decodeComment:
        'Stream the object and write its ledger row; one chunk is decoded here, more are cut at line boundaries into chunk objects in the work bucket, each started as a chunk execution',
      decode: { parameters: { pipeline: PIPELINE_PLACEHOLDER, workflow: 's3', 'input.$': '$', 'execution.$': '$$.Execution.Id' } },
      decodeTimeoutSeconds: SPLIT_TIMEOUT_SECONDS,
      afterDecode: Names.oneChunk,
      then: { end: true },
    }),
    [Names.oneChunk, choice('A split object counts in its chunk executions; one chunk goes on here as a batch', [{ rule: { Variable: '$.chunks', IsPresent: true }, next: HANDED }], Names.validate)],
    [HANDED, pass('Each chunk execution accounts for its lines; the last to end writes how the object ended', {}, { end: true })],
    ...failureTail('s3', { decoded: true }),
  ],
  { timeoutSeconds: EXPRESS_LIMIT_SECONDS },
);
