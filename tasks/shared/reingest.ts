import { TransientError } from '../../contracts/errors.ts';
import { setTimeout as sleep } from 'node:timers/promises';

/** Puts records back on a Firehose delivery stream (PutRecordBatch semantics); throws when some stay refused. */
export type Reingest = (deliveryStream: string, records: Uint8Array[]) => Promise<void>;

/** PutRecordBatch takes at most 500 records and 4 MiB per call. */
const MAX_RECORDS = 500;
const MAX_BYTES = 4 * 1024 * 1024;
/** AWS's blueprint tries a refused record up to 20 times; sluice keeps to a few, then lets the workflow retry. */
const ATTEMPTS = 5;

export function putRecordBatches(records: Uint8Array[]): Uint8Array[][] {
  const batches: Uint8Array[][] = [];
  let batch: Uint8Array[] = [];
  let bytes = 0;
  for (const record of records) {
    if (batch.length === MAX_RECORDS || (batch.length > 0 && bytes + record.length > MAX_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(record);
    bytes += record.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** Re-ingestion through the Firehose API (loaded on first use: only the account step of a transform pipeline needs it). */
export function firehoseReingest(): Reingest {
  let client: Promise<{ send: (records: Uint8Array[], stream: string) => Promise<(string | undefined)[]> }> | undefined;
  const connect = async () => {
    const { FirehoseClient, PutRecordBatchCommand } = await import('@aws-sdk/client-firehose');
    const firehose = new FirehoseClient({});
    return {
      send: async (records: Uint8Array[], stream: string) => {
        const result = await firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: records.map((Data) => ({ Data })) }));
        return (result.RequestResponses ?? []).map((entry) => entry.ErrorCode);
      },
    };
  };
  return async (stream, records) => {
    const { send } = await (client ??= connect());
    for (const batch of putRecordBatches(records)) {
      let pending = batch;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const errors = await send(pending, stream);
        pending = pending.filter((_, i) => errors[i] !== undefined);
        if (pending.length > 0 && attempt >= ATTEMPTS) throw new TransientError(`${pending.length} records refused by ${stream} after ${ATTEMPTS} PutRecordBatch attempts`);
        if (pending.length > 0) await sleep(100 * 2 ** attempt);
      }
    }
  };
}
