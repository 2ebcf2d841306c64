import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Body } from '../../contracts/batch.ts';
import type { PipelineConfig } from '../../contracts/config.ts';
import { FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { firehoseRequest, pipesRecord } from '../../local/samples.ts';
import { imbalances } from '../../tasks/account/check.ts';
import { firehoseResponse } from '../../tasks/account/firehose-response.ts';
import { decodeUnits } from '../../tasks/decode/index.ts';
import { firehoseUnits, kinesisUnits, lineUnits } from '../../tasks/decode/sources.ts';
import type { Unit } from '../../tasks/decode/unit.ts';
import { deliverBody } from '../../tasks/deliver/index.ts';
import { enrichBody } from '../../tasks/enrich/index.ts';
import { countBody, emptyBody } from '../../tasks/shared/body.ts';
import { validators } from '../../tasks/validate/schemas.ts';
import { validateBody } from '../../tasks/validate/validate.ts';
import { dataOf, limits, payloads, testConfig, type Payload } from './arbitraries.ts';
import { backedUpBody, FakeSink, scopeWith, sinkPlan } from './fakes.ts';
import { assertBalancedAfterAccount, assertBalancedBeforeDeliver, assertReasons, assertUniqueIds, assertUnitsAccounted } from './invariants.ts';

/**
 * The whole record chain of each default pipeline, as its workflow runs it but without servers:
 * source units -> decode -> validate -> enrich -> deliver (fake sinks, redelivery passes) -> backup -> account.
 */

const schemas = validators(testConfig);
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const MAX_PASSES = 3;

interface Source {
  units: Unit[];
  names: string[];
  request?: ReturnType<typeof firehoseRequest>;
}

/** The pipeline's trigger shape around the payloads: a Pipes batch, a Firehose request, or S3 lines. */
function sourceFor(pipeline: PipelineConfig, list: Payload[]): Source {
  if (pipeline.workflow === 'kinesis') {
    const batch = list.map((p, i) => ({ ...pipesRecord('', i), data: dataOf(p) }));
    return { units: kinesisUnits(batch).units, names: batch.map((r) => r.eventID) };
  }
  if (pipeline.workflow === 'firehose') {
    const request = firehoseRequest(list.map(() => ''));
    request.records.forEach((r, i) => (r.data = dataOf(list[i]!)));
    return { units: firehoseUnits(request).units, names: request.records.map((r) => r.recordId), request };
  }
  const bytes = Buffer.concat(list.map((p) => Buffer.concat([p.bytes ?? Buffer.from(p.base64!), Buffer.from('\n')])));
  const units = lineUnits(bytes, 1, { bucket: 'sluice-raw', key: 'events/adversarial.jsonl' });
  return { units, names: units.map((u) => u.unit) };
}

/** The promises that hold between any two steps before deliver. */
function checkStep(body: Body, total: number, names: string[]): void {
  assertBalancedBeforeDeliver(body, total);
  assertUniqueIds(body);
  assertUnitsAccounted(names, body);
  assertReasons(body);
}

describe('the record chain of every default pipeline: any content', () => {
  for (const [name, pipeline] of Object.entries(testConfig.pipelines)) {
    it(`${name} (${pipeline.workflow}): balanced at every step, ids unique, every unit accounted for`, async () => {
      await fc.assert(
        fc.asyncProperty(payloads(10), fc.array(sinkPlan, { minLength: 1, maxLength: 2 }), async (list, plans) => {
          const { units, names, request } = sourceFor(pipeline, list);
          const decoded = { ...emptyBody(), ...decodeUnits(units, limits) };
          const total = decoded.records.length + decoded.quarantined.length + decoded.dropped.length;
          checkStep(decoded, total, names);
          const validated = validateBody(decoded, pipeline.validation, schemas);
          checkStep(validated, total, names);
          const enriched = enrichBody(validated, { pipelineName: name, pipeline, workflow: pipeline.workflow, now: NOW });
          checkStep(enriched, total, names);

          const sinks = plans.map((plan, i) => new FakeSink(`sink-${i}`, plan));
          const scope = scopeWith(undefined, sinks);
          let body = enriched;
          for (let pass = 1; pass <= MAX_PASSES; pass++) {
            body = await deliverBody(body, sinks, pass, pipeline.firehoseMode === 'transform', scope);
            const counts = countBody(body, total);
            expect(counts.delivered + counts.failed + counts.quarantined + counts.dropped).toBe(total);
            assertUniqueIds(body);
            assertUnitsAccounted(names, body);
            if (!body.failed.some((r) => r.error?.retryable)) break;
          }
          const accounted = backedUpBody(body);
          assertBalancedAfterAccount(accounted, total);
          expect(imbalances(accounted, countBody(accounted, total), names)).toStrictEqual([]);

          if (request) {
            const { response, overflow } = firehoseResponse(request, accounted, pipeline.firehoseMode!, 'batch');
            expect(FirehoseTransformResponse.is(response)).toBe(true);
            for (const id of overflow) expect(response.records.find((r) => r.recordId === id)?.result).toBe('Dropped');
            expect(response.records.map((r) => r.recordId)).toStrictEqual(names);
            for (const r of response.records.filter((r) => r.result === 'Ok')) {
              const lines = Buffer.from(r.data, 'base64').toString('utf8').split('\n').filter(Boolean);
              for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
            }
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});
