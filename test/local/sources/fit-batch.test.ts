import { describe, expect, it } from 'vitest';
import { STATE_PAYLOAD_BYTES } from '../../../contracts/config.ts';
import { pipesRecord } from '../../../local/samples.ts';
import { fitBatch } from '../../../local/sources/kinesis-pipe.ts';

describe('fitBatch (how many records a Pipe hands the workflow at once)', () => {
  it('cuts by the bytes Step Functions counts, not by characters: partition keys outside ASCII take three bytes a character', () => {
    const records = Array.from({ length: 500 }, (_, i) => ({ ...pipesRecord('{"n":1}', i), partitionKey: `${'顧客'.repeat(40)}${i}` }));
    const taken = fitBatch(records, 500);
    expect(taken).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(records.slice(0, taken)))).toBeLessThanOrEqual(STATE_PAYLOAD_BYTES);
    expect(Buffer.byteLength(JSON.stringify(records.slice(0, taken + 1)))).toBeGreaterThan(STATE_PAYLOAD_BYTES);
    // counted in characters, the batch would have taken more
    expect(JSON.stringify(records.slice(0, taken + 1)).length).toBeLessThanOrEqual(STATE_PAYLOAD_BYTES);
  });

  it('takes at most the batch size, and nothing when the first record alone is over the limit', () => {
    expect(fitBatch(Array.from({ length: 50 }, (_, i) => pipesRecord('{}', i)), 20)).toBe(20);
    expect(fitBatch([pipesRecord('x'.repeat(200_000), 0)], 10)).toBe(0);
  });
});
