import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfigFile } from '../../config/load-file.ts';
import { kindOf, producedEvent } from '../../local/produced-events.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const positive = (name: string, text: string | undefined, fallback: number, max = Infinity): number => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new CliError(`produce: --${name} takes a number above 0${max < Infinity ? ` and at most ${max}` : ''} (got ${text})`);
  return n;
};

/** The ingest URL: given, or the one the stack running on the data folder wrote at start. */
async function ingestUrl(url: string | undefined, dataDir: string): Promise<string> {
  if (url) return url.replace(/\/$/, '');
  const text = await readFile(join(dataDir, 'endpoints.json'), 'utf8').catch(() => {
    throw new CliError(`produce: no running stack on ${dataDir} (start one with \`npm start\`, or give --url)`);
  });
  return (JSON.parse(text) as { ingest: string }).ingest;
}

/**
 * sluice produce --pipeline P [--rate N] [--duration S] [--batch-size B] [--malformed PCT]: generated
 * events of the pipeline's kind through the ingest API at a steady rate, a progress line on stderr, and
 * what was sent (and the stack's lag at the end) as the last stdout line.
 */
export async function produceCommand(argv: string[]): Promise<number> {
  const { values } = parse('produce', argv, {
    pipeline: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    'batch-size': { type: 'string' },
    malformed: { type: 'string' },
    url: { type: 'string' },
    'data-dir': { type: 'string', default: '.sluice' },
    config: { type: 'string' },
  });
  const config = await loadConfigFile(values.config);
  const name = values.pipeline;
  const pipeline = name && Object.hasOwn(config.pipelines, name) ? config.pipelines[name] : undefined;
  if (!name) throw new CliError(`produce: name a pipeline with --pipeline (${Object.keys(config.pipelines).join(', ')})`);
  if (!pipeline) throw new CliError(`produce: no pipeline named "${name}" (${Object.keys(config.pipelines).join(', ')})`);
  if (pipeline.workflow === 's3') throw new CliError(`produce: ${name} runs the s3 workflow: it reads objects, not events`);
  const rate = positive('rate', values.rate, 100);
  const duration = positive('duration', values.duration, 10);
  const batchSize = positive('batch-size', values['batch-size'], 100, 500);
  const malformed = values.malformed === undefined ? 0 : Number(values.malformed);
  if (!(malformed >= 0 && malformed <= 100)) throw new CliError(`produce: --malformed takes a percentage, 0 to 100 (got ${values.malformed})`);
  const base = await ingestUrl(values.url, values['data-dir']);
  // before any event: an ingest API that does not answer is said in one line (every request was counted refused, then a bare "fetch failed")
  // (any answer will do: the body is let go unread)
  await fetch(`${base}/`).then((response) => response.body?.cancel(), (error: Error) => {
    throw new CliError(`produce: no ingest API answers at ${base} (${(error.cause as Error | undefined)?.message ?? error.message}): start the stack with \`sluice start\`, or give --url`, 1);
  });
  const kind = kindOf(pipeline);
  const target = kind === 'log-line' ? `${base}/pipelines/${name}/logs?group=/sluice/produce&stream=produce-${process.pid}` : `${base}/pipelines/${name}/records`;

  const total = Math.round(rate * duration);
  const started = Date.now();
  let sent = 0;
  let accepted = 0;
  let refused = 0;
  /** Why the first refused request was refused: said at the end, not dropped. */
  let firstRefusal: string | undefined;
  const inFlight = new Set<Promise<void>>();
  while (sent < total) {
    // keep to the rate: the next batch leaves when the clock says it is due
    const due = started + (sent / rate) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
    const count = Math.min(batchSize, total - sent);
    const events = Array.from({ length: count }, (_, j) => producedEvent(kind, sent + j, Math.random() * 100 < malformed));
    const body = events.map((event) => (typeof event === 'string' ? event : JSON.stringify(event))).join('\n');
    sent += count;
    const request = fetch(target, { method: 'POST', body })
      .then(async (response) => {
        // 207: the stream took only part of the batch, and `accepted` says how much
        const answer = (await response.json().catch(() => ({}))) as { accepted?: number; error?: string };
        const taken = response.status === 202 || response.status === 207 ? (answer.accepted ?? 0) : 0;
        accepted += taken;
        refused += count - taken;
        if (taken < count) firstRefusal ??= `${response.status}: ${answer.error ?? 'no reason given'}`;
      })
      .catch((error: Error) => {
        refused += count;
        firstRefusal ??= `${(error.cause as Error | undefined)?.message ?? error.message}`;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (inFlight.size >= 8) await Promise.race(inFlight);
    process.stderr.write(`\rsluice: produce ${name}: ${sent}/${total} sent, ${accepted} accepted, ${refused} refused`);
  }
  await Promise.all(inFlight);
  const seconds = (Date.now() - started) / 1000;
  process.stderr.write(`\rsluice: produce ${name}: ${sent}/${total} sent, ${accepted} accepted, ${refused} refused in ${seconds.toFixed(1)} s\n`);
  if (firstRefusal) process.stderr.write(`sluice: produce ${name}: the first refusal: ${firstRefusal}\n`);
  const status = (await (await fetch(`${base}/status`)).json()) as { live: { pipeline: string; lagSeconds: number }[] };
  const lag = status.live.find((p) => p.pipeline === name)?.lagSeconds ?? 0;
  console.log(JSON.stringify({ pipeline: name, sent, accepted, refused, seconds, ratePerSecond: Math.round(accepted / seconds), lagSeconds: lag }));
  return refused === 0 ? 0 : 1;
}
