import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { SluiceConfig } from '../../contracts/config.ts';
import { KEY_ATTRIBUTE } from '../../contracts/sinks.ts';

/** A table per DynamoDB sink of the configuration, keyed by record id; on demand, point-in-time recovery. */
export class SinkTables extends Construct {
  /** Configured table name -> table. */
  readonly byName = new Map<string, dynamodb.TableV2>();

  constructor(scope: Construct, id: string, config: SluiceConfig) {
    super(scope, id);
    const names = new Set(Object.values(config.pipelines).flatMap((p) => p.sinks.flatMap((s) => (s.type === 'dynamodb' ? [s.table] : []))));
    for (const name of names) {
      this.byName.set(
        name,
        new dynamodb.TableV2(this, name.replace(/[^A-Za-z0-9]/g, ''), {
          partitionKey: { name: KEY_ATTRIBUTE, type: dynamodb.AttributeType.STRING },
          billing: dynamodb.Billing.onDemand(),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      );
    }
  }
}
