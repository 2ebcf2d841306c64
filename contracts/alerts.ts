/**
 * A malformed-data alert, in seed S3's format: one per batch that quarantined records, with the first
 * few of them (timestamp, event_type, errors, raw_event, severity), published to the alerts topic on AWS
 * and kept in the running stack's outbox locally.
 */
export interface MalformedAlert {
  timestamp: string;
  pipeline: string;
  batchId: string;
  quarantined: number;
  /** Batches of this pipeline whose alerts the rate limit held back since the last one. */
  suppressed: number;
  records: { event_type: string | null; errors: string[]; raw_event: string; severity: string }[];
}

/** Where alerts go: SNS Publish on AWS, the outbox locally. */
export type AlertSink = (alert: MalformedAlert) => Promise<void>;
