import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { WorkflowName } from '../../contracts/batch.ts';
import { loadConfigFile } from '../../config/load-file.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { claimsFrom, ExecutionStore, readClaims, storeOptions } from '../../local/execution-store.ts';
import { inspectorHtml } from '../../local/inspector.ts';
import { keptInput } from '../../local/kept-input.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { startOneShotStack } from '../../local/one-shot-stack.ts';
import { asStarted } from '../../local/trigger-input.ts';
import { disabledSinks } from '../../tasks/deliver/sinks/disabled-sinks.ts';
import { parse } from '../args.ts';
import { dataDirArg } from '../data-dir-arg.ts';
import { CliError } from '../errors.ts';
import { pipelineFor } from '../pipeline-arg.ts';
import { progress } from '../progress.ts';

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`run: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`run: ${file} is not JSON: ${(error as Error).message}`);
  }
}

/** The one-line summary `sluice run` ends with. */
export function summary(result: ExecutionResult) {
  const account = result.account;
  const wholeInput = keptInput(result);
  return {
    workflow: result.workflow,
    pipeline: result.pipeline,
    status: result.status,
    batchId: account?.batchId ?? wholeInput?.batchId ?? null,
    counts: account
      ? {
          in: account.counts.in,
          delivered: account.counts.delivered,
          quarantined: account.counts.quarantined,
          dropped: account.counts.dropped,
          backedUp: account.counts.backedUp,
        }
      : null,
    outputs: account?.outputs ?? (wholeInput?.inputKey ? { backup: [wholeInput.inputKey] } : {}),
    response: result.status === 'SUCCEEDED' ? (result.output ?? null) : null,
    ...(result.error ? { error: result.error, cause: result.cause } : {}),
  };
}

/**
 * sluice run <kinesis|s3|firehose> --event FILE | sluice run s3 --object FILE: one execution on the
 * embedded stack. The last stdout line is the JSON summary; exit 0 only when the execution SUCCEEDED.
 */
export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('run', argv, {
    event: { type: 'string' },
    object: { type: 'string' },
    pipeline: { type: 'string' },
    config: { type: 'string' },
    wait: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    inspect: { type: 'string' },
  });
  const [workflow, extra] = positionals;
  if (!workflow || !WorkflowName.is(workflow)) throw new CliError(`run: name a workflow: kinesis, s3 or firehose (got ${workflow ?? 'nothing'})`);
  if (extra) throw new CliError(`run: unexpected argument ${extra}`);
  if (!values.event === !values.object) throw new CliError('run: give exactly one of --event FILE or --object FILE');
  if (values.object && workflow !== 's3') throw new CliError('run: --object goes with the s3 workflow');

  const dataDir = values['data-dir'] === undefined ? undefined : await dataDirArg('run', values['data-dir'], false);
  // before the run: a page that cannot be written must not turn a delivered batch into a failed command
  if (values.inspect) {
    const folder = await stat(dirname(resolve(values.inspect))).catch(() => undefined);
    if (!folder?.isDirectory()) throw new CliError(`run: --inspect ${values.inspect}: its folder is missing`);
  }
  const config = await loadConfigFile(values.config);
  const pipeline = pipelineFor(config, workflow, values.pipeline);
  const event = values.event ? await readJson(values.event) : undefined;
  const object = values.object ? await readFile(values.object).catch(() => { throw new CliError(`run: cannot read ${values.object}`); }) : undefined;

  process.stderr.write('sluice: starting the embedded stack (s3rver, dynalite, kinesalite, aws-local-stepfunctions)\n');
  const { stack, stop } = await startOneShotStack(config, { skipWaits: !values.wait, keepClaims: Boolean(dataDir ?? values.inspect), ...(dataDir ? { dataDir } : {}) }, [pipeline]);
  try {
    let input = event;
    if (object && values.object) {
      const bucket = config.pipelines[pipeline]!.trigger?.bucket ?? config.buckets.raw;
      const key = `${config.pipelines[pipeline]!.trigger?.prefix ?? 'uploads/'}${basename(values.object)}`;
      const { ETag } = await stack.servers.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: object }));
      process.stderr.write(`sluice: put ${values.object} at s3://${bucket}/${key} (${object.length} bytes)\n`);
      // the event of this write, as S3 would send it: with its ETag
      input = objectCreatedFor(bucket, key, object.length, ETag);
    }
    process.stderr.write(`sluice: ${workflow} workflow, pipeline ${pipeline}\n`);
    for (const sink of disabledSinks(config.pipelines[pipeline]!)) process.stderr.write(`sluice: sink ${sink.name} has no endpoint: delivering to sluice's OpenSearch stand-in (${dataDir ? `${dataDir}/opensearch.jsonl` : 'in memory: give --data-dir to keep what it receives'}); set SLUICE_OPENSEARCH_ENDPOINT for a cluster\n`);
    const result = await stack.run(workflow, pipeline, await asStarted(workflow, input, stack.ctx), progress());
    // with a data folder, the execution is kept for `sluice inspect`
    if (dataDir) await (await ExecutionStore.open(dataDir, storeOptions(stack.config))).add(result, { readClaim: claimsFrom(stack.ctx) });
    process.stderr.write(`sluice: ${result.status} in ${result.durationMs} ms${result.error ? ` (${result.error})` : ''}\n`);
    if (values.inspect) {
      try {
        await writeFile(values.inspect, await inspectorHtml(result, await readClaims(result, claimsFrom(stack.ctx))));
        process.stderr.write(`sluice: the execution, state by state: ${values.inspect}\n`);
      } catch (error) {
        // the execution is done, and what it did goes on stdout all the same
        process.stderr.write(`sluice: --inspect ${values.inspect}: the page was not written (${(error as Error).message})\n`);
      }
    }
    console.log(JSON.stringify(summary(result)));
    return result.status === 'SUCCEEDED' ? 0 : 1;
  } finally {
    await stop();
  }
}
