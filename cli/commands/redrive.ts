import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { loadConfigFile } from '../../config/load-file.ts';
import { localRedriver } from '../../local/redriver.ts';
import { redrivable } from '../../redrive/redrivable.ts';
import { redrive, type Redriver } from '../../redrive/redrive.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startOneShotStack } from '../../local/one-shot-stack.ts';
import { parse } from '../args.ts';
import { dataDirArg } from '../data-dir-arg.ts';
import { CliError } from '../errors.ts';
import { progress } from '../progress.ts';
import { table } from '../table.ts';

/** A `--batch` that matched nothing: a typo must not look like "nothing to do". */
async function explainNothingFor(batchId: string, redriver: Redriver): Promise<void> {
  const { Item: row } = await redriver.ctx.ddb.send(new GetCommand({ TableName: redriver.ctx.config.ledgerTable, Key: { batchId } }));
  if (!row) throw new CliError(`redrive: no batch "${batchId}" in the ledger ${redriver.ctx.config.ledgerTable}`, 1);
  process.stderr.write(`sluice: batch ${batchId} stands ${String(row.status)}: nothing to redrive\n`);
}

/**
 * sluice redrive (--data-dir DIR | --aws [--stack NAME]) [--pipeline NAME] [--batch ID] [--unfinished-after S] [--dry-run] [--force]:
 * new executions for the batches the ledger marks FAILED or BACKED_UP, or STARTED by an execution that
 * can no longer be running, locally (a kept data folder) or on
 * a deployed stack. The last line is a JSON summary; exit 0 when every redriven batch now stands SUCCEEDED
 * (or, for the asynchronous s3 workflow on AWS, was started).
 */
export async function redriveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('redrive', argv, {
    'data-dir': { type: 'string' },
    aws: { type: 'boolean', default: false },
    stack: { type: 'string', default: 'Sluice' },
    pipeline: { type: 'string' },
    batch: { type: 'string' },
    config: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    'unfinished-after': { type: 'string' },
  });
  if (positionals.length > 0) throw new CliError(`redrive: unexpected argument ${positionals[0]}`);
  if (!values['data-dir'] === !values.aws) {
    throw new CliError('redrive: give --data-dir DIR (the folder `sluice run --data-dir DIR` kept) or --aws [--stack NAME] (a deployed stack)');
  }
  const unfinishedAfter = values['unfinished-after'] === undefined ? undefined : Number(values['unfinished-after']);
  if (unfinishedAfter !== undefined && !(Number.isFinite(unfinishedAfter) && unfinishedAfter >= 0)) {
    throw new CliError(`redrive: --unfinished-after takes seconds (0 or more), got ${values['unfinished-after']}`);
  }
  const config = await loadConfigFile(values.config);
  if (values.pipeline && !config.pipelines[values.pipeline]) throw new CliError(`redrive: no pipeline named "${values.pipeline}"`);
  let local: { stack: LocalStack; stop(): Promise<void> } | undefined;
  try {
    let redriver: Redriver;
    if (values.aws) {
      // AWS clients load only for --aws
      const { awsRedriver } = await import('../../redrive/aws-redriver.ts');
      redriver = await awsRedriver(values.stack, config);
    } else {
      const dataDir = await dataDirArg('redrive', values['data-dir']!, true);
      // OpenSearch without an endpoint to the folder's stand-in, as `sluice start` delivers: off, a batch backed up because
      // OpenSearch refused it was redriven SUCCEEDED with nothing sent to it
      local = await startOneShotStack(config, { skipWaits: true, dataDir }, Object.keys(config.pipelines));
      redriver = localRedriver(local.stack, progress());
    }
    const batches = await redrivable(redriver.ctx, {
      ...(values.pipeline ? { pipeline: values.pipeline } : {}),
      ...(values.batch ? { batchId: values.batch } : {}),
      ...(unfinishedAfter !== undefined ? { unfinishedAfterSeconds: unfinishedAfter } : {}),
      force: values.force,
    });
    if (values.batch && batches.length === 0) await explainNothingFor(values.batch, redriver);
    process.stderr.write(`sluice: ${batches.length} batch(es) to redrive\n`);
    if (batches.length > 0) {
      process.stderr.write(`${table(['batch', 'pipeline', 'status', 'since', 'error'], batches.map((b) => [b.batchId, b.pipeline, b.status, b.time, b.error?.Error ?? '']))}\n`);
    }
    if (values['dry-run'] || batches.length === 0) {
      console.log(JSON.stringify({ redriven: [], pending: batches.map((b) => b.batchId) }));
      return 0;
    }
    const outcomes = await redrive(redriver, batches);
    console.log(JSON.stringify({ redriven: outcomes }));
    return outcomes.every((o) => o.after === 'SUCCEEDED' || o.after === 'SUPERSEDED' || o.execution === 'STARTED') ? 0 : 1;
  } finally {
    await local?.stop();
  }
}
