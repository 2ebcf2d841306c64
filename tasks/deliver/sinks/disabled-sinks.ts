import type { PipelineConfig, SinkConfig } from '../../../contracts/config.ts';
import { sinkName, type DisabledSink } from './sink.ts';

/** Why a configured sink cannot run here (OpenSearch without an endpoint is not an error), or undefined. */
export function disabledReason(config: SinkConfig): string | undefined {
  if (config.type !== 'opensearch' || config.endpoint || config.endpointSecretArn) return undefined;
  return 'no endpoint: set SLUICE_OPENSEARCH_ENDPOINT or the sink\'s "endpoint"';
}

/** The pipeline's sinks that cannot run here; builds none, so the CLI can list them without clients. */
export function disabledSinks(pipeline: PipelineConfig): DisabledSink[] {
  return pipeline.sinks.flatMap((config) => {
    const disabled = disabledReason(config);
    return disabled === undefined ? [] : [{ name: sinkName(config), disabled }];
  });
}
