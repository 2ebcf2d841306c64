import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { AlertSink } from '../../contracts/alerts.ts';

/** Alerts as SNS messages on the deployment's alerts topic (subject names the pipeline; body is the alert as JSON). */
export function snsAlerts(topicArn: string, client: Pick<SNSClient, 'send'> = new SNSClient({})): AlertSink {
  return async (alert) => {
    await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: `sluice ${alert.pipeline}: ${alert.quarantined} malformed record(s)`.slice(0, 100),
        Message: JSON.stringify(alert, null, 2),
      }),
    );
  };
}
