import { hash } from 'node:crypto';
import { openStackWithOpenSearch } from '../../test/e2e/harness.ts';
import type { OpenSearchDouble } from '../../test/doubles/opensearch.ts';
import { audit } from '../audit.ts';
import type { Cell } from '../cell.ts';
import { redriveAll, runAll, summary } from '../executions.ts';
import { s0Requests } from '../generate.ts';

const PIPELINE = 's0-logs-to-opensearch';

/** About `percent` % of record ids, chosen by their digest (stable across retries and redrives). */
const share = (percent: number) => (id: string) => parseInt(hash('sha256', id, 'hex').slice(0, 8), 16) % 100 < percent;

/**
 * An S0 cell: CloudWatch Logs through Firehose (requests of 500 log events in 10 gzip'd payloads, plus a
 * control message each) into OpenSearch (the `_bulk` double) and the gzip'd lake, with a fault on the
 * double while the requests run, four at a time; then the double is healed and the ledger redriven.
 * Requests time out after 200 ms and refused records are redelivered for 10 s of each execution's
 * clock (waits are skipped, and counted), so that a fault outlasting them ends in backups.
 */
function s0Cell(name: string, what: string, inject: (os: OpenSearchDouble, requests: number) => (() => void) | void, heals = true): Cell {
  return {
    name,
    async run(records, progress) {
      const { os, h, stop } = await openStackWithOpenSearch((config) => {
        for (const sink of config.pipelines[PIPELINE]!.sinks) if (sink.type === 'opensearch') sink.timeoutMs = 200;
        config.pipelines[PIPELINE]!.retryDurationSeconds = 10;
      });
      try {
        const requests = s0Requests(name, records);
        progress.phase('stack', `${requests.length} Firehose requests of ${records} log events; fault: ${what}`);
        const done = inject(os, requests.length);
        const results = await runAll(requests, (request) => h.stack.run('firehose', PIPELINE, request));
        done?.();
        progress.phase('run', `${summary(results)}; ${os.requests} _bulk requests`);
        if (heals) os.heal();
        const { text } = await redriveAll(h.stack);
        progress.phase('redrive', text);
        const figures = await audit(h.stack, PIPELINE, name, records, os);
        progress.phase('audit', [figures.seen, ...figures.notes].join('; '));
        return figures;
      } finally {
        await stop();
      }
    },
  };
}

export const opensearchCells: Cell[] = [
  s0Cell('opensearch-503-for-a-while', 'the first 60 _bulk requests answer 503', (os) => os.failRequests(503, 60)),
  // ~150 of every 500 documents answer 429 each time they are sent, until 300 refusals a request have been spent
  s0Cell('opensearch-429-on-30pct', '30 % of the documents answer 429, 300 refusals a request', (os, requests) => os.failItems(share(30), 429, requests * 300)),
  s0Cell('opensearch-never-answers', 'every _bulk request is held unanswered for the run', (os) => os.hang(Number.MAX_SAFE_INTEGER)),
  s0Cell('opensearch-writes-then-silent', 'the first 30 _bulk requests are written, then never answered', (os) => {
    os.writeThenNeverAnswer();
    const watch = setInterval(() => {
      if (os.requests >= 30) os.writeThenNeverAnswer(false);
    }, 5);
    return () => clearInterval(watch);
  }),
  // a permanent error: the redrive meets it again, and those records stay backed up
  s0Cell('opensearch-mapping-errors', '5 % of the documents answer 400 mapper_parsing_exception, for good', (os) => os.failItems(share(5), 400, Number.POSITIVE_INFINITY), false),
];
