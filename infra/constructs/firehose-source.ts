import { Duration, RemovalPolicy, type Size } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EXPRESS_LIMIT_SECONDS } from '../../contracts/timing.ts';
import { httpEndpointRetrySeconds, type FirehoseMode, type SluiceConfig } from '../../contracts/config.ts';
import { grantObjects } from '../grants.ts';
import { deliveryStreamName } from '../physical-names.ts';
import { TaskFunction } from './task-function.ts';

export interface FirehoseSourceProps {
  pipeline: string;
  mode: FirehoseMode;
  config: SluiceConfig;
  environment: Record<string, string>;
  stateMachine: sfn.IStateMachine;
  work: s3.IBucket;
  backup: s3.IBucket;
  newRelicKey: secretsmanager.ISecret;
  /** Processor buffering; Firehose's defaults are 1 MB and 60 s. */
  bufferSize: Size;
  bufferInterval: Duration;
}

export const NEW_RELIC_FIREHOSE_URL = 'https://aws-api.newrelic.com/firehose/v1';

/** What Firehose needs of its S3 bucket, by name (the L2 construct grants s3:GetObject*, s3:List* and more). */
const FIREHOSE_S3_ACTIONS = ['s3:AbortMultipartUpload', 's3:GetBucketLocation', 's3:GetObject', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:PutObject'];

/**
 * A delivery stream whose transformation Lambda (the bridge) runs the firehose workflow synchronously.
 * Transform mode delivers the transformed records to New Relic's HTTP endpoint (key from Secrets
 * Manager); metadata mode (the workflow delivered the events itself) keeps the metadata records in the
 * backup bucket. What fails processing or delivery lands under processing-failed/<pipeline>/.
 * Written with the L1 resource so that its role carries named actions only.
 */
export class FirehoseSource extends Construct {
  readonly deliveryStream: firehose.CfnDeliveryStream;
  readonly bridge: TaskFunction;

  constructor(scope: Construct, id: string, props: FirehoseSourceProps) {
    super(scope, id);
    this.bridge = new TaskFunction(this, 'Bridge', {
      entry: 'tasks/firehose-bridge/handler.ts',
      config: props.config,
      environment: { ...props.environment, SLUICE_STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
      description: `sluice ${props.pipeline}: Firehose transformation through the firehose workflow`,
      // Firehose gives a transformation Lambda at most 5 minutes: the whole Express limit
      timeoutSeconds: EXPRESS_LIMIT_SECONDS,
    });
    props.stateMachine.grantStartSyncExecution(this.bridge.function);
    grantObjects(props.work, this.bridge.function, ['s3:GetObject', 's3:PutObject']);

    const role = new iam.Role(this, 'DeliveryRole', { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
    iam.Grant.addToPrincipal({ grantee: role, actions: FIREHOSE_S3_ACTIONS, resourceArns: [props.backup.bucketArn, props.backup.arnForObjects('*')] });
    iam.Grant.addToPrincipal({ grantee: role, actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'], resourceArns: [this.bridge.function.functionArn] });
    const errors = new logs.LogGroup(this, 'DeliveryErrors', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    const errorStream = errors.addStream('Delivery');
    errors.grantWrite(role);
    const logging = { enabled: true, logGroupName: errors.logGroupName, logStreamName: errorStream.logStreamName };

    const processingConfiguration = {
      enabled: true,
      processors: [
        {
          type: 'Lambda',
          parameters: [
            { parameterName: 'LambdaArn', parameterValue: this.bridge.function.functionArn },
            { parameterName: 'BufferSizeInMBs', parameterValue: String(props.bufferSize.toMebibytes()) },
            { parameterName: 'BufferIntervalInSeconds', parameterValue: String(props.bufferInterval.toSeconds()) },
            { parameterName: 'NumberOfRetries', parameterValue: '3' },
          ],
        },
      ],
    };
    const failedPrefix = `processing-failed/${props.pipeline}/`;
    const backup = {
      bucketArn: props.backup.bucketArn,
      roleArn: role.roleArn,
      prefix: `${failedPrefix}delivery/`,
      errorOutputPrefix: `${failedPrefix}!{firehose:error-output-type}/`,
      compressionFormat: 'GZIP',
      cloudWatchLoggingOptions: logging,
    };

    let destination: Partial<firehose.CfnDeliveryStreamProps>;
    if (props.mode === 'transform') {
      props.newRelicKey.grantRead(role);
      destination = {
        httpEndpointDestinationConfiguration: {
          endpointConfiguration: { url: NEW_RELIC_FIREHOSE_URL, name: 'New Relic' },
          secretsManagerConfiguration: { enabled: true, secretArn: props.newRelicKey.secretArn, roleArn: role.roleArn },
          requestConfiguration: { contentEncoding: 'GZIP' },
          roleArn: role.roleArn,
          s3BackupMode: 'FailedDataOnly',
          s3Configuration: backup,
          processingConfiguration,
          // the pipeline's retry duration, as the local stream retries the stand-in (300 s was fixed here)
          retryOptions: { durationInSeconds: httpEndpointRetrySeconds(props.config.pipelines[props.pipeline]!, props.config.limits) },
          bufferingHints: { intervalInSeconds: 60, sizeInMBs: 1 },
          cloudWatchLoggingOptions: logging,
        },
      };
    } else {
      destination = {
        extendedS3DestinationConfiguration: {
          ...backup,
          prefix: `firehose-metadata/${props.pipeline}/`,
          processingConfiguration,
          bufferingHints: { intervalInSeconds: 60, sizeInMBs: 5 },
        },
      };
    }
    this.deliveryStream = new firehose.CfnDeliveryStream(this, 'DeliveryStream', {
      deliveryStreamName: deliveryStreamName(this, props.pipeline),
      deliveryStreamType: 'DirectPut',
      deliveryStreamEncryptionConfigurationInput: { keyType: 'AWS_OWNED_CMK' },
      ...destination,
    });
    this.deliveryStream.node.addDependency(role);
  }
}
