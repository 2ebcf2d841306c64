import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { PipelineConfig } from '../../contracts/config.ts';
import { pipeSettings } from '../../contracts/pipe-settings.ts';
import { NAME_LIMITS, physicalName } from '../physical-names.ts';

export interface KinesisSourceProps {
  pipeline: string;
  config: PipelineConfig;
  stateMachine: sfn.IStateMachine;
}

/**
 * A KMS-encrypted stream and an EventBridge Pipe that hands its batches to the kinesis workflow
 * synchronously (REQUEST_RESPONSE), so the workflow's batchItemFailures are honoured, with bounded
 * retries and an encrypted dead-letter queue.
 */
export class KinesisSource extends Construct {
  readonly stream: kinesis.Stream;
  readonly deadLetters: sqs.Queue;
  readonly pipe: pipes.CfnPipe;

  constructor(scope: Construct, id: string, props: KinesisSourceProps) {
    super(scope, id);
    const key = new kms.Key(this, 'StreamKey', { enableKeyRotation: true, description: `sluice ${props.pipeline}: Kinesis stream encryption` });
    this.stream = new kinesis.Stream(this, 'Stream', {
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: key,
      retentionPeriod: Duration.hours(24),
      streamMode: kinesis.StreamMode.ON_DEMAND,
    });
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const role = new iam.Role(this, 'PipeRole', { assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com') });
    this.stream.grantRead(role);
    props.stateMachine.grantStartSyncExecution(role);
    this.deadLetters.grantSendMessages(role);
    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      name: physicalName(this, NAME_LIMITS.pipe, props.pipeline),
      roleArn: role.roleArn,
      source: this.stream.streamArn,
      sourceParameters: {
        kinesisStreamParameters: {
          ...pipeSettings(props.config),
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.deadLetters.queueArn },
        },
      },
      target: props.stateMachine.stateMachineArn,
      targetParameters: { stepFunctionStateMachineParameters: { invocationType: 'REQUEST_RESPONSE' } },
    });
    this.pipe.node.addDependency(role);
  }
}
