/**
 * What a Kinesis data stream takes from a producer (PutRecords): a record of at most 1 MiB (data and
 * partition key), and in one request at most 500 records and 5 MiB, partition keys included.
 */
export const KINESIS_LIMITS = { recordBytes: 1024 * 1024, putRecordsRecords: 500, putRecordsBytes: 5 * 1024 * 1024 } as const;
