import { synchronousWorkflow } from './synchronous-workflow.ts';

/** A Kinesis batch from EventBridge Pipes (StartSyncExecution); the output is the partial-failure reply. */
export const kinesisWorkflow = synchronousWorkflow({
  workflow: 'kinesis',
  comment: 'sluice kinesis: a Pipes batch of Kinesis records, decoded, validated, enriched, delivered and accounted; replies {batchItemFailures}',
  reply: { name: 'Reply to Pipes', comment: 'Pipes reads batchItemFailures from the execution output' },
});
