import { CfnCondition, CfnParameter, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, RecordMetrics } from '../../contracts/metrics.ts';
import { NAME_LIMITS, physicalName } from '../physical-names.ts';

/** Thresholds of the alarms, in one place (the README lists the same figures). */
export const THRESHOLDS = {
  iteratorAgeMs: 60_000,
  malformedPercent: 5,
  /** Any: nothing in sluice reads a dead-letter queue, and a Pipe's dead letter at 23 h leaves about an hour before the stream drops its records. */
  deadLettersVisible: 0,
  deliverySuccessPercent: 95,
  dataFreshnessSeconds: 600,
  silentMinutes: 15,
} as const;

/**
 * The malformed-data topic (encrypted), alarms with an SNS action, and a dashboard of throughput,
 * failures, lag and quarantine rate.
 */
export class Alerts extends Construct {
  readonly topic: sns.Topic;
  private readonly key: kms.Key;
  readonly dashboard: cloudwatch.Dashboard;
  private readonly throughput: cloudwatch.IMetric[] = [];
  private readonly failures: cloudwatch.IMetric[] = [];
  private readonly lag: cloudwatch.IMetric[] = [];
  private readonly quarantine: cloudwatch.IMetric[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // CloudWatch alarms publish as their service: the AWS managed key (alias/aws/sns) cannot let them, and every
    // alarm would go off with no one told; a key of the stack's own lets them, for alarms of this account only
    this.key = new kms.Key(this, 'TopicKey', { description: 'sluice: the alerts topic (malformed data, pipeline alarms)', enableKeyRotation: true });
    const fromAlarms = (actions: string[], resources: string[]) =>
      new iam.PolicyStatement({ principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')], actions, resources, conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } });
    this.key.addToResourcePolicy(fromAlarms(['kms:Decrypt', 'kms:GenerateDataKey*'], ['*']));
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'sluice: malformed data and pipeline alarms', masterKey: this.key, enforceSSL: true });
    // the topic's policy (made for enforceSSL) replaces SNS's default one, which let the account's alarms publish
    this.topic.addToResourcePolicy(fromAlarms(['sns:Publish'], [this.topic.topicArn]));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: physicalName(this, NAME_LIMITS.dashboard) });
    // seed S3's malformed-data alerts by email, when the deployer gives an address
    const email = new CfnParameter(Stack.of(this), 'AlertEmail', { type: 'String', default: '', description: 'An email address for malformed-data alerts and alarms (empty: none)' });
    const hasEmail = new CfnCondition(this, 'HasAlertEmail', { expression: Fn.conditionNot(Fn.conditionEquals(email.valueAsString, '')) });
    const subscription = new sns.CfnSubscription(this, 'EmailSubscription', { topicArn: this.topic.topicArn, protocol: 'email', endpoint: email.valueAsString });
    subscription.cfnOptions.condition = hasEmail;
  }

  /** Lets a function publish to the topic: SNS's Publish, and the two KMS actions its key needs, named (grantPublish names GenerateDataKey*). */
  grantPublish(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({ grantee, actions: ['sns:Publish'], resourceArns: [this.topic.topicArn] });
    this.key.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey');
  }

  private alarm(id: string, metric: cloudwatch.IMetric, props: Omit<cloudwatch.CreateAlarmOptions, 'evaluationPeriods'> & { evaluationPeriods?: number }) {
    const alarm = new cloudwatch.Alarm(this, id, { metric, evaluationPeriods: 1, ...props });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    return alarm;
  }

  private record(pipeline: string, name: string) {
    return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { Pipeline: pipeline }, statistic: 'Sum', period: Duration.minutes(5) });
  }

  /** Malformed rate, delivery success and failed executions of a pipeline. */
  watchPipeline(pipeline: string, stateMachine: sfn.StateMachine): void {
    // expression ids must be unique across a graph that shows every pipeline
    const n = this.throughput.length;
    const recordsIn = this.record(pipeline, RecordMetrics.in);
    const quarantined = this.record(pipeline, RecordMetrics.quarantined);
    const delivered = this.record(pipeline, RecordMetrics.delivered);
    const backedUp = this.record(pipeline, RecordMetrics.backedUp);
    const malformed = new cloudwatch.MathExpression({
      expression: `100 * q${n} / i${n}`,
      usingMetrics: { [`q${n}`]: quarantined, [`i${n}`]: recordsIn },
      label: `${pipeline} quarantined %`,
      period: Duration.minutes(5),
    });
    this.alarm(`${pipeline}Malformed`, malformed, {
      alarmDescription: `${pipeline}: more than ${THRESHOLDS.malformedPercent}% of records quarantined`,
      threshold: THRESHOLDS.malformedPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const success = new cloudwatch.MathExpression({
      expression: `100 * d${n} / (d${n} + b${n})`,
      usingMetrics: { [`d${n}`]: delivered, [`b${n}`]: backedUp },
      label: `${pipeline} delivered %`,
      period: Duration.minutes(5),
    });
    this.alarm(`${pipeline}DeliverySuccess`, success, {
      alarmDescription: `${pipeline}: fewer than ${THRESHOLDS.deliverySuccessPercent}% of records delivered (the rest backed up)`,
      threshold: THRESHOLDS.deliverySuccessPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm(`${pipeline}FailedExecutions`, stateMachine.metricFailed({ period: Duration.minutes(5) }), {
      alarmDescription: `${pipeline}: executions failed (input backed up; see the ledger and sluice redrive)`,
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.throughput.push(recordsIn);
    this.failures.push(stateMachine.metricFailed({ period: Duration.minutes(5) }), backedUp);
    this.quarantine.push(malformed);
  }

  /** Iterator age, silence and dead letters of a Kinesis source. */
  watchStream(pipeline: string, stream: kinesis.Stream, deadLetters: sqs.Queue): void {
    const age = stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: Duration.minutes(1) });
    this.alarm(`${pipeline}IteratorAge`, age, {
      alarmDescription: `${pipeline}: records wait more than ${THRESHOLDS.iteratorAgeMs / 1000} s in the stream`,
      threshold: THRESHOLDS.iteratorAgeMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.alarm(`${pipeline}NoRecords`, stream.metricIncomingRecords({ statistic: 'Sum', period: Duration.minutes(THRESHOLDS.silentMinutes) }), {
      alarmDescription: `${pipeline}: no incoming records for ${THRESHOLDS.silentMinutes} minutes`,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.watchDeadLetters(pipeline, deadLetters);
    this.lag.push(age);
  }

  watchDeadLetters(pipeline: string, deadLetters: sqs.Queue): void {
    this.alarm(`${pipeline}DeadLetters`, deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }), {
      alarmDescription: `${pipeline}: a batch in the dead-letter queue (its records reached no workflow: read them back while the source keeps them)`,
      threshold: THRESHOLDS.deadLettersVisible,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
  }

  /**
   * Data freshness of a Firehose source, and an HTTP endpoint's deliveries: records the endpoint did not take
   * within the retry duration go to the backup bucket (`processing-failed/<pipeline>/http-endpoint-failed/`) after
   * the workflow's ledger counted them delivered; freshness recovers once they are written off, so the
   * deliveries' success rate is watched too: below 95 % over five minutes, not one retried failure.
   */
  watchDeliveryStream(pipeline: string, deliveryStreamName: string, httpEndpoint: boolean): void {
    if (httpEndpoint) {
      const delivered = new cloudwatch.Metric({
        namespace: 'AWS/Firehose',
        metricName: 'DeliveryToHttpEndpoint.Success',
        dimensionsMap: { DeliveryStreamName: deliveryStreamName },
        statistic: 'Average',
        period: Duration.minutes(5),
      });
      this.alarm(`${pipeline}EndpointDelivery`, delivered, {
        alarmDescription: `${pipeline}: fewer than ${THRESHOLDS.deliverySuccessPercent}% of Firehose's requests to the HTTP endpoint succeeded (it retries within the retry duration; what it gives up on is in the backup bucket under processing-failed/${pipeline}/http-endpoint-failed/, counted delivered by the ledger)`,
        threshold: THRESHOLDS.deliverySuccessPercent / 100,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    const freshness = new cloudwatch.Metric({
      namespace: 'AWS/Firehose',
      metricName: httpEndpoint ? 'DeliveryToHttpEndpoint.DataFreshness' : 'DeliveryToS3.DataFreshness',
      dimensionsMap: { DeliveryStreamName: deliveryStreamName },
      statistic: 'Maximum',
      period: Duration.minutes(5),
    });
    this.alarm(`${pipeline}DataFreshness`, freshness, {
      alarmDescription: `${pipeline}: Firehose data older than ${THRESHOLDS.dataFreshnessSeconds} s`,
      threshold: THRESHOLDS.dataFreshnessSeconds,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.lag.push(freshness);
  }

  /** Errors and throttles of a Lambda. */
  watchFunction(name: string, fn: lambda.IFunction): void {
    for (const [kind, metric] of [['Errors', fn.metricErrors({ period: Duration.minutes(5) })], ['Throttles', fn.metricThrottles({ period: Duration.minutes(5) })]] as const) {
      this.alarm(`${name}${kind}`, metric, {
        alarmDescription: `sluice ${name}: Lambda ${kind.toLowerCase()}`,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  /** Lays out the dashboard once everything is watched. */
  drawDashboard(): void {
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Throughput (records in)', left: this.throughput, width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Failures (failed executions, records backed up)', left: this.failures, width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Lag (iterator age ms, data freshness s)', left: this.lag, width: 12 }),
      new cloudwatch.GraphWidget({ title: 'Quarantine rate (%)', left: this.quarantine, width: 12 }),
    );
  }
}
