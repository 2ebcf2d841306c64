import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { S3Trigger } from '../../contracts/config.ts';
import { encodeKey } from '../../contracts/s3-event.ts';

/** Text an EventBridge wildcard pattern matches as it is: its `*` and `\` escaped with a backslash. */
const literal = (text: string) => text.replace(/[\\*]/g, (c) => `\\${c}`);

/**
 * The key patterns of a trigger: as written, and URL-encoded as S3 notifications carry keys (`=` as %3D, a
 * space as +), where the two differ: a Hive-style prefix matched in one form only never started a workflow
 * if the events carry the other (which form EventBridge's Object Created events carry was not checked from here).
 */
function keyPatterns(prefix: string, suffix: string): { wildcard: string }[] {
  const forms = new Set([`${literal(prefix)}*${literal(suffix)}`, `${literal(encodeKey(prefix))}*${literal(encodeKey(suffix))}`]);
  return [...forms].map((wildcard) => ({ wildcard }));
}

export interface S3SourceProps {
  pipeline: string;
  bucket: s3.IBucket;
  trigger: S3Trigger;
  stateMachine: sfn.IStateMachine;
}

/** An EventBridge rule: "Object Created" in the bucket, under the prefix, with the suffix, starts the s3 workflow. */
export class S3Source extends Construct {
  readonly rule: events.Rule;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: S3SourceProps) {
    super(scope, id);
    const { prefix = '', suffix = '' } = props.trigger;
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    this.rule = new events.Rule(this, 'ObjectCreated', {
      description: `sluice ${props.pipeline}: new objects start the s3 workflow`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [props.bucket.bucketName] },
          object: { key: keyPatterns(prefix, suffix) },
        },
      },
      targets: [
        new targets.SfnStateMachine(props.stateMachine, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
  }
}
