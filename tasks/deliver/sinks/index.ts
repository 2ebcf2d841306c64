import type { PipelineConfig, SinkConfig } from '../../../contracts/config.ts';
import type { TaskContext } from '../../shared/context.ts';
import { disabledReason, disabledSinks } from './disabled-sinks.ts';
import { dynamoDbSink } from './dynamodb/index.ts';
import { firehoseResponseSink } from './firehose-response/index.ts';
import { openSearchSink } from './opensearch/index.ts';
import { s3LakeSink } from './s3-lake/index.ts';
import type { DisabledSink, Sink } from './sink.ts';

export interface Sinks {
  enabled: Sink[];
  disabled: DisabledSink[];
}

type SinkFactory<T extends SinkConfig['type']> = (config: Extract<SinkConfig, { type: T }>, ctx: TaskContext) => Sink;

/** One entry per sink type: a new type in SinkConfig does not compile until it has one. */
const SINK_FACTORIES: { [T in SinkConfig['type']]: SinkFactory<T> } = {
  's3-lake': s3LakeSink,
  opensearch: openSearchSink,
  dynamodb: dynamoDbSink,
  'firehose-response': firehoseResponseSink,
};

/** The pipeline's sinks, each built by its type's factory unless it cannot run here. */
export function createSinks(pipeline: PipelineConfig, ctx: TaskContext): Sinks {
  // TypeScript cannot tie config.type to the entry it selects; the table's type ties them
  const create = (config: SinkConfig) => (SINK_FACTORIES[config.type] as SinkFactory<SinkConfig['type']>)(config, ctx);
  const enabled = pipeline.sinks.filter((config) => disabledReason(config) === undefined).map(create);
  return { enabled, disabled: disabledSinks(pipeline) };
}
