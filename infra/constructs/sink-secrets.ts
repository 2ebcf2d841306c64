import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** Sink credentials as Secrets Manager secrets: their values are set after deploy, never in the template. */
export class SinkSecrets extends Construct {
  readonly openSearchEndpoint: secretsmanager.Secret;
  readonly newRelicKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.openSearchEndpoint = new secretsmanager.Secret(this, 'OpenSearchEndpoint', {
      description: 'sluice: the OpenSearch endpoint the deliver task writes to, as plain text (https://host)',
    });
    this.newRelicKey = new secretsmanager.Secret(this, 'NewRelicLicenseKey', {
      description: 'sluice: the New Relic license key Firehose sends logs with, as {"api_key": "<license key>"}',
    });
  }
}
