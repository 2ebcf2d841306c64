import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../config/default.ts';
import { estimatePipeline } from '../../cost/estimate.ts';

const assumptions = { recordBytes: 1024, executionSeconds: 1, taskMs: 100, objectRecords: 1, partitionsPerBatch: 4, failureRate: 0.001, logLevel: 'ERROR' as const };

describe('cost estimate', () => {
  it('prices a kinesis pipeline from its Pipes batch size: requests, duration and stream volume', () => {
    const e = estimatePipeline('s2', defaultConfig.pipelines['s2-telemetry-to-lake']!, defaultConfig, assumptions);
    // 1,000,000 records / 100 per Pipes batch = 10,000 executions; 5 tasks each, and backup in the 0.1 % that back up = 50,010 invocations
    expect(e.executions).toBe(10_000);
    expect(e.lambdaInvocations).toBeCloseTo(50_010, 6);
    // Express: 10,000 requests at $1/M = 0.01; 10,000 x 1 s x 0.0625 GB = 625 GB-s at 0.00001667 = 0.01041875
    expect(e.express).toBeCloseTo(0.02041875, 8);
    // Lambda: 50,010 requests at $0.2/M = 0.010002; 50,010 x 0.1 s x 1 GB = 5,001 GB-s at 0.0000133334 = 0.0666803334
    expect(e.lambda).toBeCloseTo(0.0766823334, 8);
    // Kinesis: 10^6 x 1 KB = 0.95367431640625 GB at 0.08 in + 0.04 out = 0.11444091796875;
    // Pipes: a batch of 100 records of 1,920 characters (an envelope of 552, 1,368 of base64) is 192,000 characters,
    // ceil(192,000 / 65,536) = 3 requests of 64 KB, 30,000 at $0.4/M = 0.012
    expect(e.source).toBeCloseTo(0.12644091796875, 8);
    // S3: a batch of 100 KB stays under the 200,000-byte claim-check threshold; per batch 1 PUT of the kept
    // input, 1 PUT of the input the batch carries to account (over 4,096 bytes) and its GET there, 4 staged
    // PUTs and 4 committing COPYs: 100,000 requests at $0.005 per 1,000 = 0.5, 10,000 GETs at $0.0004 = 0.004
    expect(e.s3).toBeCloseTo(0.504, 8);
    // DynamoDB per batch: a STARTED row (table and status index) and a final one (table, the status index's old
    // entry out and new in) = 5 units; the shard's commit lock taken, renewed and let go, a write of its 3,600
    // bytes each (4 staged objects, 10 recent claims) = 3 x 4; the claim of 100 records, 2,800 bytes = 3 units
    // in the table and 3 in the shard index; 230,000 write units at $0.625/M = 0.14375,
    // and two reads of the shard index (0.5 unit each): 10,000 read units at $0.125/M = 0.00125
    expect(e.dynamodb).toBeCloseTo(0.14375 + 0.00125, 8);
    // Logs at ERROR: 0.1 % of 10,000 executions x 2,000 bytes = 20,000 bytes = 1.8626e-5 GB at $0.50
    expect(e.logs).toBeCloseTo(9.313225746154785e-6, 12);
    expect(e.total).toBeCloseTo(0.6860513145944961 - 0.0125 + 0.145 + 0.054, 8);
  });

  it('counts the input a batch carries to account by what Pipes hands over, records in their envelopes', () => {
    // 100 records of 30 bytes: 3,000 bytes of data, but about 55 KB in their envelopes, over 4,096: a PUT and a GET a batch
    const e = estimatePipeline('s2', defaultConfig.pipelines['s2-telemetry-to-lake']!, defaultConfig, { ...assumptions, recordBytes: 30 });
    expect(e.executions).toBe(10_000);
    expect(e.s3).toBeCloseTo(((10 * 10_000) / 1000) * 0.005 + (10_000 / 1000) * 0.0004, 8);
  });

  it("follows a pipeline's configured Pipe batch size", () => {
    const pipeline = { ...defaultConfig.pipelines['s2-telemetry-to-lake']!, pipe: { batchSize: 50 } };
    const e = estimatePipeline('s2', pipeline, defaultConfig, assumptions);
    expect(e.executions).toBe(20_000);
    expect(e.lambdaInvocations).toBeCloseTo(100_020, 6);
  });

  it('at level ALL, logs what the engine measured per execution and per record byte: the largest item by far', () => {
    const e = estimatePipeline('s2', defaultConfig.pipelines['s2-telemetry-to-lake']!, defaultConfig, { ...assumptions, logLevel: 'ALL' });
    // 10,000 executions x 30,000 bytes + 10^6 records x 1,024 bytes x 19.9 = 20,677,600,000 bytes = 19.26 GB at $0.50
    expect(e.logs).toBeCloseTo(9.62875783443451, 6);
    expect(e.logs).toBeGreaterThan(10 * (e.express + e.lambda));
  });

  it('counts the batches a Pipe can hand over: records of 4 KB fill the 262,144 characters at 43, not 100', () => {
    const big = estimatePipeline('s2', defaultConfig.pipelines['s2-telemetry-to-lake']!, defaultConfig, { ...assumptions, recordBytes: 4096 });
    // an envelope of 552 characters and 5,464 of base64 per record: 43 fit; 10^6 / 43 executions
    expect(big.executions).toBeCloseTo(1_000_000 / 43, 6);
    // 43 x 4 KB = 176,128 bytes stays under the 200,000-byte claim-check threshold: per batch 2 + 8 PUTs and
    // the GET of the carried input
    expect(big.s3).toBeCloseTo(((10 * 1_000_000) / 43 / 1000) * 0.005 + (1_000_000 / 43 / 1000) * 0.0004, 8);
  });

  it('prices an S3 object of one chunk as one execution running the chain, a larger one as a split and an execution per chunk', () => {
    const s4 = defaultConfig.pipelines['s4-events-processed']!;
    // 100 records of 1 KB: one chunk of 4 MB; 10,000 objects, each one execution of the five tasks (backup in 0.1 %)
    const one = estimatePipeline('s4', s4, defaultConfig, { ...assumptions, objectRecords: 100 });
    expect(one.executions).toBe(10_000);
    expect(one.lambdaInvocations).toBeCloseTo(50_010, 6);
    // per object 4 staged PUTs and 4 COPYs (the event is kept in the row), a GET of the object: 80,000 x $0.005/1,000 + 10,000 x $0.0004/1,000
    expect(one.s3).toBeCloseTo(0.4 + 0.004, 8);
    // its STARTED and final rows, with the status index
    expect(one.dynamodb).toBeCloseTo(10_000 * 5 * 0.625e-6, 10);
    // 10,000 records of 1 KB: 10,240,000 bytes, 3 chunks; 100 objects, each a split and 3 chunk executions
    const many = estimatePipeline('s4', s4, defaultConfig, { ...assumptions, objectRecords: 10_000 });
    expect(many.executions).toBe(400);
    expect(many.lambdaInvocations).toBeCloseTo(100 * (1 + 3 * 5.001), 6);
    // per chunk a PUT of it, 4 staged PUTs and 4 COPYs, 5 claim-check PUTs (3.4 MB is over the threshold) = 14; a GET of the object, per chunk 1 + 5
    expect(many.s3).toBeCloseTo(((300 * 14) / 1000) * 0.005 + ((100 + 300 * 6) / 1000) * 0.0004, 8);
    // the object's STARTED row, its chunk count and its settling; per chunk its row and its count added to the object's (with the status index)
    expect(many.dynamodb).toBeCloseTo((100 * 7 + 300 * 4) * 0.625e-6, 10);
  });

  it('bills Firehose ingestion in 5 KB steps per record', () => {
    const firehose = defaultConfig.pipelines['s1-api-to-newrelic']!;
    const small = estimatePipeline('s1', firehose, defaultConfig, { ...assumptions, recordBytes: 100 });
    const five = estimatePipeline('s1', firehose, defaultConfig, { ...assumptions, recordBytes: 5120 });
    const over = estimatePipeline('s1', firehose, defaultConfig, { ...assumptions, recordBytes: 5121 });
    // 10^6 records x 5,120 bytes billed = 4.76837158203125 GB at $0.029 = 0.13828277587890625
    expect(small.source).toBeCloseTo(0.13828277587890625, 8);
    expect(five.source).toBeCloseTo(0.13828277587890625, 8);
    // 5,121 bytes is two steps: 10,240 bytes billed, twice the figure
    expect(over.source).toBeCloseTo(0.2765655517578125, 8);
  });
});
