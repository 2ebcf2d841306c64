import { StartExecutionCommand, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { awsStarter } from '../../redrive/aws-redriver.ts';

/** Starting an execution can only happen on AWS: the client's send is replaced, and what it was sent is checked. */
describe('redrive on AWS', () => {
  const machines = { 's2-telemetry-to-lake': 'arn:aws:states:eu-west-1:1:stateMachine:sluice-s2-telemetry-to-lake', 's4-events-processed': 'arn:aws:states:eu-west-1:1:stateMachine:sluice-s4-events-processed' };

  it('waits on the synchronous workflows with StartSyncExecution and reports how they ended', async () => {
    const sent: object[] = [];
    const start = awsStarter(async (command) => (sent.push(command), { status: 'FAILED', error: 'Sluice.InvalidInput' }), machines);
    expect(await start('kinesis', 's2-telemetry-to-lake', [{ eventID: 'x' }])).toStrictEqual({ status: 'FAILED', error: 'Sluice.InvalidInput' });
    expect(sent[0]).toBeInstanceOf(StartSyncExecutionCommand);
    expect((sent[0] as StartSyncExecutionCommand).input).toMatchObject({ stateMachineArn: machines['s2-telemetry-to-lake'], input: '[{"eventID":"x"}]' });
  });

  it('starts the s3 workflow asynchronously, as its EventBridge rule does', async () => {
    const sent: object[] = [];
    const start = awsStarter(async (command) => (sent.push(command), { executionArn: 'arn' }), machines);
    expect(await start('s3', 's4-events-processed', { detail: {} })).toStrictEqual({ status: 'STARTED' });
    expect(sent[0]).toBeInstanceOf(StartExecutionCommand);
  });

  it('refuses a pipeline the stack does not have', async () => {
    await expect(awsStarter(async () => ({}), machines)('firehose', 'nope', {})).rejects.toThrow('no state machine for pipeline nope');
  });
});
