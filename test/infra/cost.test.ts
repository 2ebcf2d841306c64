import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { estimatePipeline, PRICES } from '../../infra/cost.ts';

describe('cost estimate', () => {
  it('prices a kinesis pipeline from its Pipes batch size: requests, duration and stream volume', () => {
    const e = estimatePipeline('s2', defaultConfig.pipelines['s2-telemetry-to-lake']!, defaultConfig, { recordBytes: 1024, executionSeconds: 1, taskMs: 100, objectRecords: 1 });
    expect(e.executions).toBe(10_000);
    expect(e.lambdaInvocations).toBe(60_000);
    expect(e.express).toBeCloseTo(0.01 + 10_000 * 0.0625 * PRICES.expressPerGbSecond, 6);
    expect(e.lambda).toBeCloseTo(0.012 + 60_000 * 0.1 * PRICES.lambdaArmPerGbSecond, 6);
    const gb = 1_000_000 * 1024 / 1024 ** 3;
    expect(e.source).toBeCloseTo(gb * 0.12 + (20_000 / 1e6) * 0.4, 6);
  });

  it('bills Firehose ingestion in 5 KB steps per record', () => {
    const small = estimatePipeline('s1', defaultConfig.pipelines['s1-api-to-newrelic']!, defaultConfig, { recordBytes: 100, executionSeconds: 1, taskMs: 100, objectRecords: 1 });
    const five = estimatePipeline('s1', defaultConfig.pipelines['s1-api-to-newrelic']!, defaultConfig, { recordBytes: 5120, executionSeconds: 1, taskMs: 100, objectRecords: 1 });
    expect(small.source).toBeCloseTo(five.source, 9);
  });
});
