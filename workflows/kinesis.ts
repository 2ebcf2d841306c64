import { graph } from './asl/graph.ts';
import { pass } from './asl/states.ts';
import { failureTail } from './failure-tail.ts';
import { EXPRESS_TIMEOUT_SECONDS } from './policy.ts';
import { Names, recordChain } from './record-chain.ts';
import { PIPELINE_PLACEHOLDER } from './resources.ts';

const REPLY = 'Reply to Pipes';

/** A Kinesis batch from EventBridge Pipes (StartSyncExecution); the output is the partial-failure reply. */
export const kinesisWorkflow = graph(
  'sluice kinesis: a Pipes batch of Kinesis records, decoded, validated, enriched, delivered and accounted; replies {batchItemFailures}',
  [
    ...recordChain('kinesis', {
      catchTo: Names.backupInput,
      decodeComment: 'Base64, gunzip, fan out CloudWatch Logs, parse JSON; quarantine what cannot be decoded',
      decodeParameters: { pipeline: PIPELINE_PLACEHOLDER, workflow: 'kinesis', 'input.$': '$' },
      then: { next: REPLY },
    }),
    [REPLY, pass('Pipes reads batchItemFailures from the execution output', { outputPath: '$.response' }, { end: true })],
    ...failureTail('kinesis'),
  ],
  { timeoutSeconds: EXPRESS_TIMEOUT_SECONDS },
);
