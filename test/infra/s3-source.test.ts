import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { S3Source } from '../../infra/constructs/s3-source.ts';

/** The key pattern of the rule an S3 trigger deploys. */
function keyPattern(trigger: { bucket: string; prefix?: string; suffix?: string }): unknown {
  const stack = new Stack(new App(), 'S3SourceTest');
  const bucket = new s3.Bucket(stack, 'Raw');
  const stateMachine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Pass')) });
  new S3Source(stack, 'Source', { pipeline: 'p', bucket, trigger, stateMachine });
  const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
  return (rule as { Properties: { EventPattern: { detail: { object: { key: unknown } } } } }).Properties.EventPattern.detail.object.key;
}

describe('the EventBridge rule of an S3 trigger', () => {
  it('matches keys as written and URL-encoded, as S3 notifications carry them: a Hive-style prefix or a space in one form only never matched the other', () => {
    expect(keyPattern({ bucket: 'raw', prefix: 'events/', suffix: '.jsonl' })).toStrictEqual([{ wildcard: 'events/*.jsonl' }]);
    expect(keyPattern({ bucket: 'raw', prefix: 'events/event_type=purchase/', suffix: '.jsonl' })).toStrictEqual([
      { wildcard: 'events/event_type=purchase/*.jsonl' },
      { wildcard: 'events/event_type%3Dpurchase/*.jsonl' },
    ]);
    expect(keyPattern({ bucket: 'raw', prefix: 'daily dumps/', suffix: '' })).toStrictEqual([{ wildcard: 'daily dumps/*' }, { wildcard: 'daily+dumps/*' }]);
  });

  it("takes a trigger's own asterisk as an asterisk, not as the pattern's wildcard", () => {
    expect(keyPattern({ bucket: 'raw', prefix: 'a*b/' })).toStrictEqual([{ wildcard: 'a\\*b/*' }]);
  });
});
