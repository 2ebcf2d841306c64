import { defaultConfig } from '../config/default.ts';
import { rate, runChain, runFloor } from './chain.ts';
import { cloudWatchCorpus, eventsCorpus } from './corpus.ts';

/**
 * Only the in-process chain against its floor, the first lines of `npm run bench` without the
 * end-to-end runs: `npx tsx bench/chain-only.ts` (add `--cpu-prof` through node to profile it).
 */
for (const [corpus, pipeline] of [
  [cloudWatchCorpus(100_000, 500), 's0-logs-to-opensearch'],
  [eventsCorpus(100_000), 's4-events-processed'],
] as const) {
  const chain = rate(corpus, () => runChain(corpus, defaultConfig, pipeline));
  const floor = rate(corpus, () => runFloor(corpus));
  console.log(`bench: ${corpus.name} chain=${Math.round(chain)} floor=${Math.round(floor)} ratio=${(chain / floor).toFixed(2)}`);
}
