import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import type { MalformedAlert } from '../../../contracts/alerts.ts';
import type { Quarantined } from '../../../contracts/batch.ts';
import { malformedAlert, rateLimited } from '../../../tasks/shared/malformed-alert.ts';
import { snsAlerts } from '../../../tasks/shared/sns-alerts.ts';

const quarantined = (i: number, raw: string, errors: Quarantined['errors'] = []): Quarantined => ({ id: `q${i}`, unit: `u${i}`, reason: 'schema-validation', severity: 'error', errors, raw });

describe('malformed-data alerts (seed S3)', () => {
  it('name the batch and show its first ten quarantined records: event type, errors, raw event cut at 1 KB, severity', () => {
    const records = [
      quarantined(0, '{"event_type":"metric","timestamp":"x"}', [{ path: '/payload', message: 'is required', severity: 'error' }]),
      quarantined(1, 'gA==', []),
      ...Array.from({ length: 12 }, (_, i) => quarantined(i + 2, `{"big":"${'x'.repeat(2000)}"}`)),
    ];
    const alert = malformedAlert('s3-events-to-archive', 'b-1', records, Date.UTC(2026, 10, 24));
    expect(alert).toMatchObject({ timestamp: '2026-11-24T00:00:00.000Z', pipeline: 's3-events-to-archive', batchId: 'b-1', quarantined: 14 });
    expect(alert.records).toHaveLength(10);
    expect(alert.records[0]).toStrictEqual({ event_type: 'metric', errors: ['/payload: is required'], raw_event: '{"event_type":"metric","timestamp":"x"}', severity: 'error' });
    expect(alert.records[1]).toMatchObject({ event_type: null, errors: ['schema-validation'] });
    expect(alert.records[2]!.raw_event).toHaveLength(1024);
  });

  it('at most one per pipeline per interval; what was held back is counted into the next', async () => {
    const sent: MalformedAlert[] = [];
    let clock = 0;
    const alert = rateLimited(async (a) => void sent.push(a), 10_000, () => clock);
    const of = (pipeline: string) => malformedAlert(pipeline, `b-${clock}`, [quarantined(0, '{}')], clock);
    expect(await alert(of('a'))).toBe(true);
    clock = 1000;
    expect(await alert(of('a'))).toBe(false);
    expect(await alert(of('a'))).toBe(false);
    expect(await alert(of('b'))).toBe(true);
    clock = 11_000;
    expect(await alert(of('a'))).toBe(true);
    expect(sent.map((a) => [a.pipeline, a.suppressed])).toStrictEqual([['a', 0], ['b', 0], ['a', 2]]);
  });

  it('go to the alerts topic on AWS as one SNS message each (the client is replaced: SNS exists only there)', async () => {
    const commands: PublishCommand[] = [];
    const publish = snsAlerts('arn:aws:sns:us-east-1:123456789012:alerts', { send: async (command: unknown) => void commands.push(command as PublishCommand) } as never);
    await publish({ ...malformedAlert('s3-events-to-archive', 'b-1', [quarantined(0, '{}')], 0), suppressed: 3 });
    expect(commands[0]!.input).toMatchObject({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:alerts', Subject: 'sluice s3-events-to-archive: 1 malformed record(s)' });
    expect(JSON.parse(commands[0]!.input.Message!)).toMatchObject({ batchId: 'b-1', suppressed: 3 });
  });
});
