import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/** The DynamoDB table the account step writes: one row per batch. */
export class Ledger extends Construct {
  readonly table: dynamodb.TableV2;
  static readonly BY_SHARD = 'byShard';

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: 'batchId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [
        {
          indexName: Ledger.BY_SHARD,
          partitionKey: { name: 'shard', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'time', type: dynamodb.AttributeType.STRING },
        },
      ],
    });
  }
}
