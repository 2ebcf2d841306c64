import type { SluiceConfig } from '../contracts/config.ts';
import { disabledSinks } from '../tasks/deliver/sinks/disabled-sinks.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { startStack, type LocalStack, type StackOptions } from './stack.ts';
import { withStandIns } from './stand-in-destinations.ts';
import { OpenSearchStandIn } from './stand-ins/opensearch.ts';

/**
 * The embedded stack of a command that runs and ends (`sluice run`, `sluice redrive --data-dir`), delivering an
 * OpenSearch sink without an endpoint where `sluice start` does on the same folder: to the OpenSearch stand-in,
 * its documents in the folder (in memory without one). Left off, its records counted delivered with nothing sent,
 * and no redrive could bring them back. The folder is locked before the stand-in opens its file. `stop` ends both.
 */
export async function startOneShotStack(config: SluiceConfig, options: StackOptions, pipelines: string[]): Promise<{ stack: LocalStack; stop(): Promise<void> }> {
  if (!pipelines.some((name) => disabledSinks(config.pipelines[name]!).length > 0)) {
    const stack = await startStack(config, options);
    return { stack, stop: () => stack.stop() };
  }
  const unlock = options.dataDir ? await lockDataDir(options.dataDir) : async () => {};
  const openSearch = new OpenSearchStandIn(options.dataDir ? { dataDir: options.dataDir } : {});
  const stopStandIn = async () => {
    await openSearch.stop();
    await unlock();
  };
  try {
    await openSearch.start();
    const stack = await startStack(withStandIns(config, { openSearchUrl: openSearch.url }), options);
    return { stack, stop: async () => (await stack.stop(), await stopStandIn()) };
  } catch (error) {
    await stopStandIn();
    throw error;
  }
}
