import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Counts } from '../../contracts/batch.ts';
import { METRICS_NAMESPACE, RecordMetrics } from '../../contracts/metrics.ts';


/** Publishes a batch's counts as CloudWatch Embedded Metric Format on stdout (Powertools Metrics). */
export function publishCounts(pipeline: string, counts: Counts): void {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'sluice' });
  metrics.addDimension('Pipeline', pipeline);
  for (const [count, name] of Object.entries(RecordMetrics)) metrics.addMetric(name, MetricUnit.Count, counts[count as keyof typeof RecordMetrics]);
  metrics.publishStoredMetrics();
}
