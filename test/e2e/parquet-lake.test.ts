import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipesRecord, telemetry } from '../../local/samples.ts';
import { configWith, openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  // a column the telemetry schema does not check: only the Parquet writer can find the value wrong
  h = await openStack(configWith((config) => {
    const sink = config.pipelines['s2-telemetry-to-lake']!.sinks[0]!;
    if (sink.type === 's3-lake') sink.columns = { ...sink.columns, odometer_km: 'DOUBLE' };
  }));
});
afterAll(() => h.stop());

describe('Parquet lake', () => {
  it('backs up, with the reason, a record whose value does not fit its column; writes the rest', async () => {
    const input = [
      pipesRecord(JSON.stringify({ ...telemetry(1), odometer_km: 1200.5 }), 1),
      pipesRecord(JSON.stringify({ ...telemetry(2), odometer_km: '1200 km' }), 2),
    ];
    const result = await h.stack.run('kinesis', 's2-telemetry-to-lake', input);
    expect(result.account!.counts).toMatchObject({ in: 2, delivered: 1, backedUp: 1 });
    expect((await h.parquetRows('sluice-lake', 'telemetry/')).map((r) => r.odometer_km)).toStrictEqual([1200.5]);
    const [backedUp] = await h.lines('sluice-backup', 'errors/');
    expect(backedUp).toMatchObject({ errorCode: 'ParquetColumnMismatch', errorMessage: 'odometer_km: not a number', attemptsMade: 1 });
    expect(JSON.parse(backedUp!.rawData).odometer_km).toBe('1200 km');
  });
});
