import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FirehoseTransformResponse } from '../../contracts/firehose.ts';
import { firehoseRequest, s1Request } from '../../local/samples.ts';
import { bridge, type StartSync } from '../../tasks/firehose-bridge/index.ts';
import { openStack, type Harness } from './harness.ts';

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
    const claim = JSON.parse(sent) as { ref: { bucket: string; key: string }; bytes: number };
    expect(claim).toMatchObject({ ref: { bucket: 'sluice-work' }, count: 400 });
    expect(sent.length).toBeLessThan(1000);
    // written to the work bucket (outside any execution): the claim check says how many bytes
    const object = await h.stack.ctx.s3.send(new HeadObjectCommand({ Bucket: claim.ref.bucket, Key: claim.ref.key }));
    expect(claim.bytes).toBe(object.ContentLength);
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

  it('refuses a workflow response over 6 MB instead of trimming it behind the ledger\'s back', async () => {
    const request = firehoseRequest(['a']);
    const huge = { records: [{ recordId: request.records[0]!.recordId, result: 'Ok', data: 'x'.repeat(6_000_001) }] };
    await expect(bridge(request, h.stack.ctx, async () => ({ status: 'SUCCEEDED', output: JSON.stringify(huge) }))).rejects.toThrow(/over Firehose's 6000000/);
  });
});
