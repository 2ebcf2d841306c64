/** The CloudWatch namespace of sluice's record metrics (EMF): what the alarms and the dashboard read. */
export const METRICS_NAMESPACE = 'Sluice';

/** Metric names by count; one metric per outcome, dimension Pipeline. */
export const RecordMetrics = {
  in: 'RecordsIn',
  delivered: 'RecordsDelivered',
  quarantined: 'RecordsQuarantined',
  dropped: 'RecordsDropped',
  backedUp: 'RecordsBackedUp',
} as const;
