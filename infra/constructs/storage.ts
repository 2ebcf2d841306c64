import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { WORK_EXPIRY_DAYS } from '../../contracts/deployment.ts';

export interface StorageProps {
  /** Days before backed-up failures expire. */
  backupExpiryDays: number;
}

/** The raw, lake, backup and work buckets: encrypted, versioned, SSL only, private, access-logged. */
export class Storage extends Construct {
  readonly raw: s3.Bucket;
  readonly lake: s3.Bucket;
  readonly backup: s3.Bucket;
  readonly work: s3.Bucket;
  readonly accessLogs: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const secure = {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      ...secure,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    const logged = (prefix: string) => ({ ...secure, serverAccessLogsBucket: this.accessLogs, serverAccessLogsPrefix: `${prefix}/` });
    this.raw = new s3.Bucket(this, 'Raw', { ...logged('raw'), eventBridgeEnabled: true });
    this.lake = new s3.Bucket(this, 'Lake', {
      ...logged('lake'),
      lifecycleRules: [{ transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }] }],
    });
    this.backup = new s3.Bucket(this, 'Backup', {
      ...logged('backup'),
      lifecycleRules: [{ expiration: Duration.days(props.backupExpiryDays), noncurrentVersionExpiration: Duration.days(7) }],
    });
    this.work = new s3.Bucket(this, 'Work', {
      ...logged('work'),
      // claim checks and chunk objects live for one execution (five minutes at most), staged objects until their commit
      lifecycleRules: [{ expiration: Duration.days(WORK_EXPIRY_DAYS), noncurrentVersionExpiration: Duration.days(WORK_EXPIRY_DAYS) }],
    });
  }
}
