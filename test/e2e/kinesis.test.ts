import { STATE_PAYLOAD_BYTES } from '../../contracts/config.ts';
import { fitBatch } from '../../local/sources/kinesis-pipe.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchItemFailures } from '../../contracts/pipes-kinesis.ts';
import { eventsBatch, pipesRecord, s2Batch, telemetry } from '../../local/samples.ts';
import { entered, openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

describe('kinesis workflow on the embedded engine', () => {
  it('S3: delivers valid events to the archive, quarantines the rest with reasons, replies to Pipes', async () => {
    const input = eventsBatch(12);
    const result = await h.stack.run('kinesis', 's3-events-to-archive', input);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toStrictEqual({ batchItemFailures: [] });
    expect(BatchItemFailures.is(result.output)).toBe(true);
    expect(result.account!.counts).toStrictEqual({ in: 15, delivered: 12, quarantined: 3, dropped: 0, backedUp: 0, failed: 0, pending: 0 });

    const archived = await h.lines('sluice-lake', 'archive/');
    expect(archived).toHaveLength(12);
    expect(new Set(archived.map((r) => r.record_id)).size).toBe(12);
    expect(archived.map((r) => r.event_id).sort()).toStrictEqual(Array.from({ length: 12 }, (_, i) => `e-${i}`).sort());
    const keys = await h.keys('sluice-lake', 'archive/');
    expect(keys.every((key) => /^archive\/event_type=\w+\/year=2026\/month=11\/day=23\/hour=\d\d\/part-[0-9a-f]{24}\.jsonl$/.test(key))).toBe(true);

    const quarantined = await h.lines('sluice-backup', 'errors/');
    expect(quarantined.map((q) => q.errorCode).sort()).toStrictEqual(['invalid-gzip', 'schema-validation', 'schema-validation']);
    expect(quarantined.find((q) => q.errorMessage.includes('metrics.iops'))).toMatchObject({ severity: 'error', unit: input[12]!.eventID });
    expect((await h.keys('sluice-backup', 'errors/')).every((k) => /^errors\/year=\d{4}\/month=\d\d\/day=\d\d\/[a-z-]+\//.test(k))).toBe(true);

    const row = await h.ledger(result.account!.batchId);
    expect(row).toMatchObject({ status: 'SUCCEEDED', pipeline: 's3-events-to-archive', workflow: 'kinesis', shard: 'shardId-000000000000', counts: { in: 15, delivered: 12, quarantined: 3 }, partitions: 4 });
    expect(row!.expiresAt).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);
    // the input was kept from the first step and let go once the batch ended well (quarantined records keep their raw data)
    expect(row!.startedAt).toEqual(expect.any(String));
    expect(row).not.toHaveProperty('inputKey');
    expect(await h.keys('sluice-backup', `inputs/${result.account!.batchId}`)).toStrictEqual([]);
  });

  it('S2: telemetry lands as Parquet under Hive partitions, typed by the declared columns; a retry of the same batch duplicates nothing', async () => {
    const first = await h.stack.run('kinesis', 's2-telemetry-to-lake', s2Batch());
    const keys = await h.keys('sluice-lake', 'telemetry/');
    const again = await h.stack.run('kinesis', 's2-telemetry-to-lake', s2Batch());
    expect([first.status, again.status]).toStrictEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(first.account!.counts).toMatchObject({ in: 10, delivered: 8, quarantined: 2 });
    expect(await h.keys('sluice-lake', 'telemetry/')).toStrictEqual(keys);
    expect(keys.every((key) => /^telemetry\/event_type=telemetry\/year=2026\/month=11\/day=23\/hour=09\/part-[0-9a-f]{24}\.parquet$/.test(key))).toBe(true);
    const rows = await h.parquetRows('sluice-lake', 'telemetry/');
    expect(rows).toHaveLength(8);
    const row = rows.find((r) => r.vehicle_id === 'VH-000' && r.session_id === 's-0')!;
    expect(row).toMatchObject({ speed_kmh: 40, battery_v: 12.6, metadata: { stage: 'enriched' } });
    expect(row.timestamp).toBeInstanceOf(Date);
    expect((row.timestamp as Date).toISOString()).toBe('2026-11-23T09:30:00.000Z');
  });

  it('takes an empty batch: nothing in, nothing out, SUCCEEDED', async () => {
    const result = await h.stack.run('kinesis', 's3-events-to-archive', []);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts.in).toBe(0);
    expect(result.output).toStrictEqual({ batchItemFailures: [] });
  });

  it('fails an input that is not a Pipes batch with Sluice.InvalidInput, after backing it up with a FAILED ledger row', async () => {
    const result = await h.stack.run('kinesis', 's3-events-to-archive', { not: 'a batch' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Sluice.InvalidInput');
    expect(result.cause).toMatch(/Pipes Kinesis batch does not match its contract/);
    expect(entered(result.events)).toStrictEqual(['Decode records', 'Back up whole input', 'Ingest failed']);
    const backedUp = result.events.find((e) => e.type === 'StateExited' && e.state?.name === 'Back up whole input')!.state!.output as any;
    const row = await h.ledger(backedUp.batchId);
    expect(row).toMatchObject({ status: 'FAILED', error: { Error: 'Sluice.InvalidInput' } });
    expect(JSON.parse(await h.text('sluice-backup', row!.inputKey))).toStrictEqual({ not: 'a batch' });
  });

  it('carries a batch whose records outgrow the state limit by claim check', async () => {
    // records of ~600 bytes, as many as a Pipe hands over in its 262,144 bytes: over the claim-check threshold once enriched
    const records = (n: number) => Array.from({ length: n }, (_, i) => pipesRecord(JSON.stringify({ ...telemetry(i), note: 'n'.repeat(400) }), i, 'shardId-000000000009'));
    const n = fitBatch(records(1_000), 1_000);
    const input = records(n);
    expect(Buffer.byteLength(JSON.stringify(input))).toBeLessThanOrEqual(STATE_PAYLOAD_BYTES);
    const before = (await h.keys('sluice-work', 'claims/')).length;
    const result = await h.stack.run('kinesis', 's2-telemetry-to-lake', input);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.account!.counts).toMatchObject({ in: n, delivered: n });
    const states = result.events.filter((e) => e.type === 'StateExited' && e.state?.name === 'Enrich records');
    expect((states[0]!.state!.output as any).body.ref.bucket).toBe('sluice-work');
    expect(JSON.stringify(states[0]!.state!.output).length).toBeLessThan(2000);
    // the local engine keeps its claim checks in process while the execution runs, and lets them go after
    expect((await h.keys('sluice-work', 'claims/')).length).toBe(before);
    expect(h.stack.engine.claims.size).toBe(0);
  });
});
