import { loadConfigFile } from '../../config/load.ts';
import { redrivable, redrive } from '../../local/redrive.ts';
import { startStack } from '../../local/stack.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';
import { progress } from '../progress.ts';
import { table } from '../table.ts';

/**
 * sluice redrive --data-dir DIR [--pipeline NAME] [--batch ID] [--dry-run]: new executions for the
 * batches the ledger of a kept data folder marks FAILED or BACKED_UP. The last line is a JSON summary;
 * exit 0 when every redriven batch now ends SUCCEEDED.
 */
export async function redriveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('redrive', argv, {
    'data-dir': { type: 'string' },
    pipeline: { type: 'string' },
    batch: { type: 'string' },
    config: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw new CliError(`redrive: unexpected argument ${positionals[0]}`);
  if (!values['data-dir']) throw new CliError('redrive: give --data-dir DIR, the folder that `sluice run --data-dir DIR` kept (the ledger and backups live there)');
  const config = await loadConfigFile(values.config);
  if (values.pipeline && !config.pipelines[values.pipeline]) throw new CliError(`redrive: no pipeline named "${values.pipeline}"`);
  const stack = await startStack(config, { skipWaits: true, dataDir: values['data-dir'] });
  try {
    const batches = await redrivable(stack, { ...(values.pipeline ? { pipeline: values.pipeline } : {}), ...(values.batch ? { batchId: values.batch } : {}) });
    process.stderr.write(`sluice: ${batches.length} batch(es) to redrive\n`);
    if (batches.length > 0) {
      process.stderr.write(`${table(['batch', 'pipeline', 'status', 'since', 'error'], batches.map((b) => [b.batchId, b.pipeline, b.status, b.time, b.error?.Error ?? '']))}\n`);
    }
    if (values['dry-run'] || batches.length === 0) {
      console.log(JSON.stringify({ redriven: [], pending: batches.map((b) => b.batchId) }));
      return 0;
    }
    const outcomes = await redrive(stack, batches, progress());
    const summary = outcomes.map((o) => ({ batchId: o.batchId, pipeline: o.pipeline, before: o.before, after: o.after, counts: o.result.account?.counts ?? null }));
    console.log(JSON.stringify({ redriven: summary }));
    return outcomes.every((o) => o.after === 'SUCCEEDED') ? 0 : 1;
  } finally {
    await stack.stop();
  }
}
