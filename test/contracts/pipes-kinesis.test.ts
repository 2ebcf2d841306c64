import { afterEach, describe, expect, it, vi } from 'vitest';
import { PIPES_TARGET_PAYLOAD_CHARS } from '../../contracts/pipe-settings.ts';
import { maxPipesRecordBytes, toPipesRecord } from '../../contracts/pipes-kinesis.ts';

afterEach(() => vi.restoreAllMocks());

/** The characters of a batch of one record of `bytes`, as a Pipe hands it over, arrived at `arrival`. */
const batchChars = (bytes: number, arrival: Date) =>
  JSON.stringify([toPipesRecord({ Data: new Uint8Array(bytes), PartitionKey: 'k'.repeat(36), SequenceNumber: '9'.repeat(56), ApproximateArrivalTimestamp: arrival }, 'shardId-000000000099', 'sluice-events')]).length;

describe('maxPipesRecordBytes', () => {
  it('is the largest record that fits alone in a Pipes batch, whenever it is worked out and whenever the record arrives', () => {
    for (const now of [1_765_150_890_000, 1_765_150_890_100, 1_765_150_890_123]) {
      vi.spyOn(Date, 'now').mockReturnValue(now);
      const limit = maxPipesRecordBytes('sluice-events');
      vi.restoreAllMocks();
      for (const arrival of [new Date(1_765_150_890_000), new Date(1_765_150_890_123), new Date(9_999_999_999_999)]) {
        expect(batchChars(limit, arrival)).toBeLessThanOrEqual(PIPES_TARGET_PAYLOAD_CHARS);
      }
      // and not a byte more than it must be: three more bytes are four more characters of base64, over the limit
      expect(batchChars(limit + 3, new Date(9_999_999_999_999))).toBeGreaterThan(PIPES_TARGET_PAYLOAD_CHARS);
    }
  });
});
