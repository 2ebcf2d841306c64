import { describe, expect, it } from 'vitest';
import { handler } from '../../../tasks/decode/handler.ts';
import { triggerOf } from '../../../tasks/decode/trigger.ts';

const FUNCTION = 'arn:aws:lambda:eu-west-1:123456789012:function:sluice-decode';

describe("decode's trigger, from the ARN it was invoked by", () => {
  it("hands a Pipes batch that came bare to the pipeline's alias on as that pipeline's kinesis trigger", () => {
    const batch = [{ eventID: 'shardId-000000000000:1' }];
    expect(triggerOf(batch, `${FUNCTION}:s4-events-raw`)).toStrictEqual({ pipeline: 's4-events-raw', workflow: 'kinesis', input: batch });
    // what is not a batch goes on as the kinesis trigger too: decode's contract check names what is wrong with it
    expect(triggerOf({ not: 'a batch' }, `${FUNCTION}:s4-events-raw`)).toStrictEqual({ pipeline: 's4-events-raw', workflow: 'kinesis', input: { not: 'a batch' } });
  });

  it("takes other inputs as their Parameters built them, and refuses a bare batch whose pipeline it cannot know", () => {
    const trigger = { pipeline: 's1-api-to-newrelic', workflow: 'firehose', input: {}, execution: 'arn:x' };
    expect(triggerOf(trigger, FUNCTION)).toBe(trigger);
    expect(() => triggerOf([{}], FUNCTION)).toThrow(/^decode input does not match its contract:\n {2}a Pipes batch came through arn:aws:lambda:eu-west-1:123456789012:function:sluice-decode, not a pipeline's alias of the function/);
    expect(() => triggerOf([{}], FUNCTION)).toThrow(expect.objectContaining({ name: 'Sluice.InvalidInput' }));
  });

  it('is what the Lambda handler reads its event with', async () => {
    // the ARN Lambda's context gives reaches decode (lambdaHandler hands it on)
    await expect(handler([{}], { invokedFunctionArn: FUNCTION })).rejects.toMatchObject({ name: 'Sluice.InvalidInput', message: expect.stringContaining(`came through ${FUNCTION}, not a pipeline's alias`) });
  });
});
