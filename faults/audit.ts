import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { gunzipSync } from 'node:zlib';
import type { LocalStack } from '../local/stack.ts';
import type { OpenSearchDouble } from '../test/doubles/opensearch.ts';
import { sinkName } from '../tasks/deliver/sinks/sink.ts';
import { tagPattern } from './generate.ts';
import { ledgerTotals, type LedgerTotals } from './ledger-totals.ts';
import { readLines } from './list-keys.ts';

/** What one sink holds of a cell's records: how many times each tag is there, and the writes seen twice. */
export interface SinkHoldings {
  sink: string;
  counts: Map<number, number>;
  duplicates: number;
}

export interface CellFigures {
  in: number;
  delivered: number;
  quarantined: number;
  dropped: number;
  backedUp: number;
  lost: number;
  duplicates: number;
  /** What does not hold: unfinished ledger rows, losses by sink, duplicates by sink. */
  notes: string[];
  /** What the audit read: ledger rows, sink contents, backup records by error code. */
  seen: string;
}

const ALL_SINKS = '*';

/** The tags of a cell in any value: a row, a document, a failure record's data (base64 or gzip'd too). */
function tagsIn(value: unknown, pattern: RegExp): number[] {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const found = [...text.matchAll(pattern)].map((match) => Number(match[1]));
  if (found.length > 0 || typeof value !== 'string' || !/^[A-Za-z0-9+/=]+$/.test(value)) return found;
  let bytes = Buffer.from(value, 'base64');
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return [...bytes.toString('utf8').matchAll(pattern)].map((match) => Number(match[1]));
}

function holdings(sink: string, values: unknown[], pattern: RegExp, extraDuplicates = 0): SinkHoldings {
  const counts = new Map<number, number>();
  for (const value of values) for (const tag of new Set(tagsIn(value, pattern))) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  let repeats = 0;
  for (const count of counts.values()) repeats += count - 1;
  return { sink, counts, duplicates: repeats + extraDuplicates };
}

/** Every sink of the pipeline, read back whole: lake rows, DynamoDB items, OpenSearch documents and writes. */
export async function readSinks(stack: LocalStack, pipeline: string, cell: string, os?: OpenSearchDouble): Promise<SinkHoldings[]> {
  const pattern = tagPattern(cell);
  const read: SinkHoldings[] = [];
  for (const sink of stack.config.pipelines[pipeline]!.sinks) {
    const name = sinkName(sink);
    if (sink.type === 's3-lake') {
      const rows = await readLines(stack.servers.s3, sink.bucket ?? stack.config.buckets.lake, `${sink.prefix}/`);
      const held = holdings(name, rows, pattern);
      // a record id twice is a duplicate too, tag or not
      const ids = rows.map((row) => row.record_id);
      read.push({ ...held, duplicates: Math.max(held.duplicates, ids.length - new Set(ids).size) });
    } else if (sink.type === 'dynamodb') {
      const items: unknown[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await stack.ctx.ddb.send(new ScanCommand({ TableName: sink.table, ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start);
      read.push(holdings(name, items, pattern));
    } else if (sink.type === 'opensearch') {
      if (!os) throw new Error(`${pipeline}: an OpenSearch sink and no double to read`);
      // a second write of an _id is a duplicate document, whatever the index holds now
      read.push(holdings(name, [...(os.docs.get(sink.index)?.values() ?? [])], pattern, os.writes.length - new Set(os.writes).size));
    } else {
      throw new Error(`${pipeline}: the audit cannot read a ${sink.type} sink`);
    }
  }
  return read;
}

/** Tags in the backup bucket's failure records, with the sinks each still had to reach (`*`: quarantined, every sink). */
export async function readBackups(stack: LocalStack, cell: string): Promise<{ covered: Map<number, Set<string>>; codes: Map<string, number> }> {
  const pattern = tagPattern(cell);
  const covered = new Map<number, Set<string>>();
  const codes = new Map<string, number>();
  for (const failure of await readLines(stack.servers.s3, stack.config.buckets.backup, 'errors/')) {
    codes.set(String(failure.errorCode), (codes.get(String(failure.errorCode)) ?? 0) + 1);
    const pending = failure.pendingSinks as string[] | undefined;
    const sinks = pending && pending.length > 0 ? pending : [ALL_SINKS];
    for (const tag of tagsIn(failure.rawData, pattern)) {
      const set = covered.get(tag) ?? new Set<string>();
      for (const sink of sinks) set.add(sink);
      covered.set(tag, set);
    }
  }
  return { covered, codes };
}

/**
 * The cell's figures after redrive. Counts come from the ledger. A generated record is lost when one of
 * its pipeline's sinks has it neither delivered nor in a backup that names that sink, nor quarantined
 * (these cells generate valid events: none is dropped by rule). Records that only a backup keeps must be
 * what the ledger says is backed up or quarantined: a backup left from an earlier run does not excuse a
 * record the ledger calls delivered. A duplicate is a record written twice to one sink.
 */
export async function audit(stack: LocalStack, pipeline: string, cell: string, total: number, os?: OpenSearchDouble): Promise<CellFigures> {
  const ledger: LedgerTotals = await ledgerTotals(stack.ctx);
  const sinks = await readSinks(stack, pipeline, cell, os);
  const { covered: backups, codes } = await readBackups(stack, cell);
  const notes: string[] = [];
  if (ledger.unfinished.length > 0) notes.push(`${ledger.unfinished.length} ledger rows not final: ${ledger.unfinished.slice(0, 3).join(', ')}`);
  const missing = new Map<string, number>();
  let lost = 0;
  let backupOnly = 0;
  for (let i = 0; i < total; i++) {
    const backedUp = backups.get(i);
    let isLost = false;
    let onlyBackup = false;
    for (const sink of sinks) {
      if (sink.counts.has(i)) continue;
      if (backedUp && (backedUp.has(ALL_SINKS) || backedUp.has(sink.sink))) {
        onlyBackup = true;
        continue;
      }
      isLost = true;
      missing.set(sink.sink, (missing.get(sink.sink) ?? 0) + 1);
    }
    if (isLost) lost++;
    else if (onlyBackup) backupOnly++;
  }
  for (const [sink, count] of missing) notes.push(`${count} records in neither ${sink} nor a backup for it`);
  const unexplained = backupOnly - (ledger.backedUp + ledger.quarantined);
  if (unexplained > 0) {
    notes.push(`${backupOnly} records only in backups, the ledger says ${ledger.backedUp} backed up and ${ledger.quarantined} quarantined`);
    lost += unexplained;
  }
  for (const sink of sinks) if (sink.duplicates > 0) notes.push(`${sink.duplicates} duplicate writes in ${sink.sink}`);
  const duplicates = sinks.reduce((sum, sink) => sum + sink.duplicates, 0);
  const seen = [
    `${ledger.rows} final ledger rows${ledger.chunkRows ? ` (and ${ledger.chunkRows} chunk rows)` : ''}`,
    ...sinks.map((sink) => `${sink.sink} ${sink.counts.size} records`),
    `backups ${[...codes].map(([code, n]) => `${n} ${code}`).join(', ') || 'none'}`,
  ].join(', ');
  return { in: ledger.in, delivered: ledger.delivered, quarantined: ledger.quarantined, dropped: ledger.dropped, backedUp: ledger.backedUp, lost, duplicates, notes, seen };
}
