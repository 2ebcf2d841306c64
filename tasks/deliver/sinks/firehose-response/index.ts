import type { FirehoseResponseSinkConfig } from '../../../../contracts/config.ts';
import { sinkName, type Sink } from '../sink.ts';

/** Firehose transform mode: the records go back to Firehose in the response, which delivers them onwards. */
export function firehoseResponseSink(config: FirehoseResponseSinkConfig): Sink {
  return {
    name: sinkName(config),
    deliver: async () => ({ failed: new Map(), outputs: ['firehose response'] }),
  };
}
