import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfigFile } from '../../config/load-file.ts';
import { withFirehoseBackups } from '../../local/firehose-backups.ts';
import { ledgerStatus, type PipelineStatus } from '../../local/ledger-status.ts';
import type { PipelineFigures } from '../../local/live-stats.ts';
import type { ThreadLoad } from '../../local/thread-load.ts';
import { startStack } from '../../local/stack.ts';
import { parse } from '../args.ts';
import { dataDirArg } from '../data-dir-arg.ts';
import { CliError } from '../errors.ts';
import { loadLine } from '../live-view.ts';
import { table } from '../table.ts';

interface Status {
  pipelines: PipelineStatus[];
  live?: PipelineFigures[];
  load?: ThreadLoad;
}

/** From the running stack when there is one; else from the data folder's ledger, read with the stack stopped. */
async function statusOf(dataDir: string, configFile: string | undefined): Promise<Status> {
  const endpoints = await readFile(join(dataDir, 'endpoints.json'), 'utf8').catch(() => undefined);
  if (endpoints) {
    const { ingest } = JSON.parse(endpoints) as { ingest: string };
    const response = await fetch(`${ingest}/status`).catch(() => undefined);
    if (response?.ok) return (await response.json()) as Status;
  }
  const stack = await startStack(await loadConfigFile(configFile), { dataDir });
  try {
    return { pipelines: await withFirehoseBackups(stack.ctx, await ledgerStatus(stack.ctx, (problem) => process.stderr.write(`sluice: ledger row skipped: ${problem}\n`))) };
  } finally {
    await stack.stop();
  }
}

/** sluice status [--json] [--data-dir DIR] [--config FILE]: per pipeline, what the ledger says, and the live figures when the stack runs. */
export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('status', argv, {
    'data-dir': { type: 'string', default: '.sluice' },
    json: { type: 'boolean', default: false },
    config: { type: 'string' },
  });
  if (positionals.length > 0) throw new CliError(`status: unexpected argument ${positionals[0]}`);
  const dataDir = resolve(await dataDirArg('status', values['data-dir'], true));
  const status = await statusOf(dataDir, values.config);
  if (values.json) {
    console.log(JSON.stringify(status));
  } else {
    const live = new Map((status.live ?? []).map((f) => [f.pipeline, f]));
    const rows = status.pipelines.map((p) => [
      p.unconfigured ? `${p.pipeline} (not in the configuration)` : p.pipeline,
      p.records.in,
      p.records.delivered,
      p.records.quarantined,
      p.records.redelivered > 0 ? `${p.records.dropped} (${p.records.redelivered} redelivered)` : p.records.dropped,
      p.records.backedUp,
      p.balanced ? 'yes' : 'NO',
      Object.entries(p.batches).map(([s, n]) => `${s} ${n}`).join(', ') || '-',
      live.has(p.pipeline) ? `${live.get(p.pipeline)!.lagSeconds.toFixed(1)} s` : '-',
    ]);
    console.log(table(['pipeline', 'in', 'delivered', 'quarantined', 'dropped', 'backedUp', 'balanced', 'batches', 'lag'], rows));
    if (status.load) console.log(loadLine(status.load));
    for (const { pipeline, firehoseBackups } of status.pipelines) {
      if (!firehoseBackups) continue;
      const batches = Object.entries(firehoseBackups.batches).map(([type, n]) => `${n} ${type}`).join(', ');
      console.log(`${pipeline}: its destination did not take ${batches} batch(es), backed up by its delivery stream: the ledger counts their records delivered to Firehose; they are under ${firehoseBackups.prefix}`);
    }
    const others = status.pipelines.filter((p) => p.unconfigured).map((p) => p.pipeline);
    if (others.length > 0) process.stderr.write(`sluice: the ledger has batches of ${others.join(', ')}, which this configuration does not name: they ran under another (give its --config to redrive them)\n`);
  }
  return status.pipelines.every((p) => p.balanced) ? 0 : 1;
}
