import type { Rec, RecordError } from '../../../../contracts/batch.ts';
import type { FirehoseResponseSinkConfig } from '../../../../contracts/config.ts';
import { MAX_RESPONSE_BYTES } from '../../../../contracts/firehose.ts';
import { okFitsAlone, transformDataLength } from '../../../shared/firehose-answer.ts';
import { failAll, sinkName, type Sink } from '../sink.ts';

const tooLarge = (bytes: number): RecordError => ({
  code: 'FirehoseResponse.TooLarge',
  message: `its unit's answer (the unit's records as JSON Lines, base64) is ${bytes} characters: it cannot fit in the ${MAX_RESPONSE_BYTES} bytes Firehose takes back from a transformation even alone, so it is never put back on the stream; backed up, and answered ProcessingFailed`,
  retryable: false,
});

/**
 * Firehose transform mode: the records go back to Firehose in the response, which delivers them onwards.
 * A unit (a Firehose record) whose records make an answer that no response can hold (a small gzip'd record
 * that inflates to megabytes) is refused for good, all of its records: put back on the stream, it would
 * come back as it went, for ever. The others go on; an answer that only does not fit beside the others is
 * the account step's to put back on the stream.
 */
export function firehoseResponseSink(config: FirehoseResponseSinkConfig): Sink {
  return {
    name: sinkName(config),
    deliver: async (records) => {
      const byUnit = new Map<string, Rec[]>();
      for (const record of records) {
        const unit = byUnit.get(record.unit);
        if (unit) unit.push(record);
        else byUnit.set(record.unit, [record]);
      }
      const failed = new Map<string, RecordError>();
      for (const [recordId, unit] of byUnit) {
        const length = transformDataLength(unit);
        if (!okFitsAlone(recordId, length)) failAll(unit, tooLarge(length), failed);
      }
      return { failed, outputs: failed.size < records.length ? ['firehose response'] : [] };
    },
  };
}
