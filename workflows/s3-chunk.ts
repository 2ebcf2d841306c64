import { EXPRESS_LIMIT_SECONDS } from '../contracts/timing.ts';
import { graph } from './asl/graph.ts';
import { failureTail } from './failure-tail.ts';
import { Names, recordChain } from './record-chain.ts';

/** One chunk of an S3 object, started by the object's execution: the record chain over its lines. */
export const s3ChunkWorkflow = graph(
  'sluice s3-chunk: one chunk of an S3 object, decoded, validated, enriched, delivered and accounted into its object\'s ledger row',
  [
    ...recordChain('s3', {
      catchTo: Names.backupInput,
      decodeName: Names.decodeChunk,
      accountName: Names.accountChunk,
      decodeComment: 'Read the chunk object and decode each line; quarantine what cannot be decoded',
      decode: {
        parameters: {
          'pipeline.$': '$.pipeline',
          'workflow.$': '$.workflow',
          'batchId.$': '$.batchId',
          'source.$': '$.source',
          'chunk.$': '$.chunk',
          'index.$': '$.index',
          'run.$': '$.run',
        },
      },
      then: { end: true },
    }),
    ...failureTail('s3'),
  ],
  { timeoutSeconds: EXPRESS_LIMIT_SECONDS },
);
