import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { firehoseRequest, s1Request } from '../../local/samples.ts';
import { bridge, fitResponse, type StartSync } from '../../tasks/firehose-bridge/index.ts';
import { openStack, type Harness } from '../e2e/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

/** StartSyncExecution, played by the local engine running the same workflow. */
const engineSync = (pipeline: string): StartSync => async (input) => {
  const result = await h.stack.engine.run('firehose', pipeline, JSON.parse(input));
  return { status: result.status, output: JSON.stringify(result.output), error: result.error, cause: result.cause };
};

describe('firehose bridge', () => {
  it('returns the workflow response, one record per recordId', async () => {
    const request = s1Request();
    const response = await bridge(request, h.stack.ctx, engineSync('s1-api-to-newrelic'));
    expect(FirehoseTransformResponse.is(response)).toBe(true);
    expect(response.records.map((r) => r.recordId)).toStrictEqual(request.records.map((r) => r.recordId));
  });

  it('sends a large request by claim check', async () => {
    const request = firehoseRequest(Array.from({ length: 400 }, (_, i) => JSON.stringify({ message: `m${i} ${'y'.repeat(700)}` })), 'inv-bridge-large');
    let sent = '';
    const response = await bridge(request, h.stack.ctx, async (input) => {
      sent = input;
      return engineSync('s1-api-to-newrelic')(input);
    });
    expect(JSON.parse(sent)).toMatchObject({ ref: { bucket: 'sluice-work' }, count: 400 });
    expect(sent.length).toBeLessThan(1000);
    expect(response.records).toHaveLength(400);
  });

  it('throws when the workflow fails, so Firehose retries and then keeps the records', async () => {
    await expect(bridge(s1Request(), h.stack.ctx, async () => ({ status: 'FAILED', error: 'Sluice.Transient', cause: 'x' }))).rejects.toThrow(
      'the firehose workflow ended FAILED: Sluice.Transient x',
    );
  });

  it('throws when a recordId is missing from the response', async () => {
    const request = s1Request();
    const partial = { records: request.records.slice(1).map((r) => ({ recordId: r.recordId, result: 'Ok', data: r.data })) };
    await expect(bridge(request, h.stack.ctx, async () => ({ status: 'SUCCEEDED', output: JSON.stringify(partial) }))).rejects.toThrow(/every recordId/);
  });

  it('fails over what does not fit in 6 MB as ProcessingFailed with the original data, from the end', () => {
    const request = firehoseRequest(['a', 'b', 'c', 'd']);
    const response: FirehoseTransformResponse = { records: request.records.map((r) => ({ recordId: r.recordId, result: 'Ok' as const, data: 'x'.repeat(1000) })) };
    const { response: fitted, failedOver } = fitResponse(response, request, 1500);
    expect(failedOver).toBe(3);
    expect(fitted.records.map((r) => r.result)).toStrictEqual(['Ok', 'ProcessingFailed', 'ProcessingFailed', 'ProcessingFailed']);
    expect(fitted.records[3]!.data).toBe(request.records[3]!.data);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThanOrEqual(1500);
    expect(fitResponse(response, request).failedOver).toBe(0);
  });
});
