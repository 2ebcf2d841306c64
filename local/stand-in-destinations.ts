import type { SluiceConfig } from '../contracts/config.ts';
import { NewRelicStandIn } from './stand-ins/new-relic.ts';
import { OpenSearchStandIn } from './stand-ins/opensearch.ts';

export interface StandInDestinations {
  openSearchUrl: string;
  newRelicUrl: string;
  /** Where transform-mode delivery streams deliver: a configured endpoint, or the stand-in's Firehose endpoint. */
  newRelicFirehoseUrl: string;
  stop(): Promise<void>;
}

/**
 * OpenSearch and New Relic have no server that runs here: stand-ins speak their APIs on the ports after
 * the ingest API's (any free ones with port 0), keeping what they receive in the data folder.
 * `SLUICE_NEW_RELIC_FIREHOSE_ENDPOINT` sends transform-mode streams to a real endpoint instead.
 */
export async function startStandIns(port: number, dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<StandInDestinations> {
  const openSearch = new OpenSearchStandIn({ dataDir });
  const newRelic = new NewRelicStandIn({ dataDir });
  await openSearch.start(port === 0 ? 0 : port);
  await newRelic.start(port === 0 ? 0 : port + 1);
  return {
    openSearchUrl: openSearch.url,
    newRelicUrl: newRelic.url,
    newRelicFirehoseUrl: env.SLUICE_NEW_RELIC_FIREHOSE_ENDPOINT ?? newRelic.firehoseUrl,
    stop: async () => void (await Promise.all([openSearch.stop(), newRelic.stop()])),
  };
}

/** OpenSearch sinks without an endpoint (none configured, no SLUICE_OPENSEARCH_ENDPOINT) deliver to the stand-in. */
export function withStandIns(config: SluiceConfig, standIns: Pick<StandInDestinations, 'openSearchUrl'>): SluiceConfig {
  const pipelines = Object.fromEntries(
    Object.entries(config.pipelines).map(([name, pipeline]) => [
      name,
      { ...pipeline, sinks: pipeline.sinks.map((sink) => (sink.type === 'opensearch' && !sink.endpoint && !sink.endpointSecretArn ? { ...sink, endpoint: standIns.openSearchUrl } : sink)) },
    ]),
  );
  return { ...config, pipelines };
}
