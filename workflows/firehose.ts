import { synchronousWorkflow } from './synchronous-workflow.ts';

/** A Firehose transformation request (via the bridge Lambda); the output is the 1:1 transformation response. */
export const firehoseWorkflow = synchronousWorkflow({
  workflow: 'firehose',
  comment: 'sluice firehose: a Firehose transformation request, decoded, validated, enriched, delivered and accounted; replies one record per recordId',
  reply: { name: 'Reply to Firehose', comment: 'The bridge returns these records to Firehose (Ok / Dropped / ProcessingFailed)' },
});
