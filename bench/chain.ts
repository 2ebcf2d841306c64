import { gunzipSync } from 'node:zlib';
import type { SluiceConfig } from '../contracts/config.ts';
import { decodeUnits } from '../tasks/decode/index.ts';
import { enrichBody } from '../tasks/enrich/index.ts';
import { emptyBody } from '../tasks/shared/body.ts';
import { validators } from '../tasks/validate/schemas.ts';
import { validateBody } from '../tasks/validate/validate.ts';
import { batchesOf, type Corpus } from './corpus.ts';

/** decode -> validate -> enrich -> serialize (JSON Lines), in-process, batch by batch: the task logic without I/O. */
export function runChain(corpus: Corpus, config: SluiceConfig, pipelineName: string): number {
  const pipeline = config.pipelines[pipelineName]!;
  const schemas = validators(config);
  let bytes = 0;
  let outcomes = 0;
  for (const units of batchesOf(corpus)) {
    const decoded = decodeUnits(units, config.limits);
    const validated = validateBody({ ...emptyBody(), ...decoded }, pipeline.validation, schemas);
    const enriched = enrichBody(validated, { pipelineName, pipeline, workflow: 'bench', now: Date.now() });
    for (const record of enriched.records) bytes += JSON.stringify(record.data).length + 1;
    outcomes += enriched.records.length + enriched.quarantined.length + enriched.dropped.length;
  }
  if (outcomes !== corpus.records) throw new Error(`${corpus.name}: the chain lost records`);
  return bytes;
}

/** The floor: base64, gunzip where gzip'd, JSON.parse and JSON.stringify of the same data, nothing else. */
export function runFloor(corpus: Corpus): number {
  let bytes = 0;
  for (const unit of corpus.units) {
    let raw = Buffer.from(unit.data, 'base64');
    if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
    const value = JSON.parse(raw.toString('utf8')) as { logEvents?: unknown[] };
    for (const item of value.logEvents ?? [value]) bytes += JSON.stringify(item).length + 1;
  }
  return bytes;
}

/** Records per second of `run` over the corpus: the best of `rounds` after one warm-up. */
export function rate(corpus: Corpus, run: () => unknown, rounds = 3): number {
  run();
  let best = Infinity;
  for (let i = 0; i < rounds; i++) {
    const started = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return corpus.records / best;
}
