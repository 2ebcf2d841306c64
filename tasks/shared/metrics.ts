import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Counts } from '../../contracts/batch.ts';

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

/** Publishes a batch's counts as CloudWatch Embedded Metric Format on stdout (Powertools Metrics). */
export function publishCounts(pipeline: string, counts: Counts): void {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'sluice' });
  metrics.addDimension('Pipeline', pipeline);
  for (const [count, name] of Object.entries(RecordMetrics)) metrics.addMetric(name, MetricUnit.Count, counts[count as keyof typeof RecordMetrics]);
  metrics.publishStoredMetrics();
}
