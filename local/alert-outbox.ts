import { appendFile } from 'node:fs/promises';
import type { MalformedAlert } from '../contracts/alerts.ts';

const KEPT = 1000;

/**
 * The local stand-in for the malformed-data SNS topic: alerts kept in memory (the last thousand) for
 * `GET /alerts` and the live view, and appended to `alerts.jsonl` of the data folder.
 */
export class AlertOutbox {
  private readonly alerts: MalformedAlert[] = [];

  constructor(private readonly file: string | undefined) {}

  list(limit = 100): MalformedAlert[] {
    return this.alerts.slice(-limit);
  }

  readonly add = async (alert: MalformedAlert): Promise<void> => {
    this.alerts.push(alert);
    if (this.alerts.length > KEPT) this.alerts.shift();
    if (this.file) await appendFile(this.file, `${JSON.stringify(alert)}\n`);
  };
}
