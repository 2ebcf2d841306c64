import type { PipelineConfig } from '../../../contracts/config.ts';
import type { TaskContext } from '../../shared/context.ts';
import { dynamoDbSink } from './dynamodb/index.ts';
import { firehoseResponseSink } from './firehose-response/index.ts';
import { openSearchSink } from './opensearch/index.ts';
import { s3LakeSink } from './s3-lake/index.ts';
import { sinkName, type DisabledSink, type Sink } from './sink.ts';

export interface Sinks {
  enabled: Sink[];
  disabled: DisabledSink[];
}

/** The pipeline's sinks; OpenSearch without an endpoint is disabled with a reason, not an error. */
export function createSinks(pipeline: PipelineConfig, ctx: TaskContext): Sinks {
  const sinks: Sinks = { enabled: [], disabled: [] };
  for (const config of pipeline.sinks) {
    if (config.type === 's3-lake') sinks.enabled.push(s3LakeSink(config, ctx));
    else if (config.type === 'firehose-response') sinks.enabled.push(firehoseResponseSink(config));
    else if (config.type === 'dynamodb') sinks.enabled.push(dynamoDbSink(config, ctx));
    else if (config.endpoint || config.endpointSecretArn) sinks.enabled.push(openSearchSink(config));
    else sinks.disabled.push({ name: sinkName(config), disabled: 'no endpoint: set SLUICE_OPENSEARCH_ENDPOINT or the sink\'s "endpoint"' });
  }
  return sinks;
}
