import { graph } from './asl/graph.ts';
import { pass } from './asl/states.ts';
import { failureTail } from './failure-tail.ts';
import { EXPRESS_TIMEOUT_SECONDS } from './policy.ts';
import { Names, recordChain } from './record-chain.ts';
import { PIPELINE_PLACEHOLDER } from './resources.ts';

const REPLY = 'Reply to Firehose';

/** A Firehose transformation request (via the bridge Lambda); the output is the 1:1 transformation response. */
export const firehoseWorkflow = graph(
  'sluice firehose: a Firehose transformation request, decoded, validated, enriched, delivered and accounted; replies one record per recordId',
  [
    ...recordChain('firehose', {
      catchTo: Names.backupInput,
      decodeComment: 'Base64, gunzip, fan out CloudWatch Logs, parse JSON; quarantine what cannot be decoded',
      decodeParameters: { pipeline: PIPELINE_PLACEHOLDER, workflow: 'firehose', 'input.$': '$' },
      then: { next: REPLY },
    }),
    [REPLY, pass('The bridge returns these records to Firehose (Ok / Dropped / ProcessingFailed)', { outputPath: '$.response' }, { end: true })],
    ...failureTail('firehose'),
  ],
  { timeoutSeconds: EXPRESS_TIMEOUT_SECONDS },
);
