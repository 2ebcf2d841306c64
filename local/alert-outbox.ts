import { appendFile } from 'node:fs/promises';
import type { AccountResult } from '../contracts/batch.ts';
import { getBytes } from '../tasks/shared/s3-objects.ts';
import type { TaskContext } from '../tasks/shared/context.ts';

/** A malformed-data alert, in seed S3's format: one per batch with quarantined records. */
export interface Alert {
  timestamp: string;
  pipeline: string;
  batchId: string;
  quarantined: number;
  /** Batches of this pipeline whose alerts the rate limit held back since the last alert. */
  suppressed: number;
  records: { event_type: string | null; errors: string[]; raw_event: string; severity: string }[];
}

const SHOWN_RECORDS = 10;
const RAW_EVENT_CHARS = 1024;

const eventType = (raw: string): string | null => {
  try {
    const value = JSON.parse(raw) as { event_type?: unknown };
    return typeof value.event_type === 'string' ? value.event_type : null;
  } catch {
    return null;
  }
};

/**
 * The local stand-in for the malformed-data SNS topic: an alert per batch that quarantined records,
 * built from the quarantine objects it wrote, at most one per pipeline per `minIntervalMs` (the others
 * are counted into the next), kept in memory for `GET /alerts` and appended to a file of the data folder.
 */
export class AlertOutbox {
  private readonly alerts: Alert[] = [];
  private readonly lastSent = new Map<string, number>();
  private readonly held = new Map<string, number>();

  constructor(
    private readonly ctx: TaskContext,
    private readonly file: string | undefined,
    private readonly minIntervalMs = 10_000,
  ) {}

  list(limit = 100): Alert[] {
    return this.alerts.slice(-limit);
  }

  async consider(account: AccountResult, now = Date.now()): Promise<Alert | undefined> {
    if (account.counts.quarantined === 0) return undefined;
    if (now - (this.lastSent.get(account.pipeline) ?? -Infinity) < this.minIntervalMs) {
      this.held.set(account.pipeline, (this.held.get(account.pipeline) ?? 0) + 1);
      return undefined;
    }
    const bucket = this.ctx.config.buckets.backup;
    const records: Alert['records'] = [];
    for (const place of account.outputs.backup ?? []) {
      if (records.length >= SHOWN_RECORDS || !place.startsWith(`s3://${bucket}/errors/`)) continue;
      const text = Buffer.from(await getBytes(this.ctx, bucket, place.slice(`s3://${bucket}/`.length))).toString('utf8');
      for (const line of text.split('\n').filter(Boolean)) {
        const failure = JSON.parse(line) as { rawData: string; errorMessage: string; severity?: string; pendingSinks?: unknown };
        if (failure.pendingSinks !== undefined) continue; // a delivery failure, not malformed data
        records.push({ event_type: eventType(failure.rawData), errors: failure.errorMessage.split('; '), raw_event: failure.rawData.slice(0, RAW_EVENT_CHARS), severity: failure.severity ?? 'error' });
        if (records.length >= SHOWN_RECORDS) break;
      }
    }
    const alert: Alert = {
      timestamp: new Date(now).toISOString(),
      pipeline: account.pipeline,
      batchId: account.batchId,
      quarantined: account.counts.quarantined,
      suppressed: this.held.get(account.pipeline) ?? 0,
      records,
    };
    this.held.delete(account.pipeline);
    this.lastSent.set(account.pipeline, now);
    this.alerts.push(alert);
    if (this.alerts.length > 1000) this.alerts.shift();
    if (this.file) await appendFile(this.file, `${JSON.stringify(alert)}\n`);
    return alert;
  }
}
