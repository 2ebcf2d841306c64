import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { LEDGER_SHARD_INDEX, LEDGER_STATUS_INDEX } from '../../contracts/ledger.ts';

/** The DynamoDB table the account step writes: one row per batch. */
export class Ledger extends Construct {
  readonly table: dynamodb.TableV2;

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
          indexName: LEDGER_STATUS_INDEX.name,
          partitionKey: { name: LEDGER_STATUS_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: LEDGER_STATUS_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
        },
        {
          indexName: LEDGER_SHARD_INDEX.name,
          partitionKey: { name: LEDGER_SHARD_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: LEDGER_SHARD_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...LEDGER_SHARD_INDEX.attributes],
        },
      ],
    });
  }
}
