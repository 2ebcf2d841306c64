import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfigFile } from '../../config/load-file.ts';
import { claimsFrom, ExecutionStore, storeOptions } from '../../local/execution-store.ts';
import { startInspector } from '../../local/inspector-server.ts';
import { localRedriver } from '../../local/redriver.ts';
import { startStack } from '../../local/stack.ts';
import { redriveBatch } from '../../redrive/redrive-batch.ts';
import { parse } from '../args.ts';
import { dataDirArg } from '../data-dir-arg.ts';
import { CliError } from '../errors.ts';

/**
 * sluice inspect [--data-dir DIR] [--port N]: the executions kept in a data folder as a local web app.
 * With the stack running there, its inspector is already served: the URL is printed. Otherwise this
 * serves the folder itself (redrive included) until Ctrl-C. With --aws [--stack NAME] [--region R]
 * [--since 3h]: a deployed stack's executions, from their log groups (inspect-aws.ts).
 */
export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('inspect', argv, {
    'data-dir': { type: 'string', default: '.sluice' },
    port: { type: 'string', default: '0' },
    config: { type: 'string' },
    aws: { type: 'boolean', default: false },
    stack: { type: 'string', default: 'Sluice' },
    region: { type: 'string' },
    since: { type: 'string', default: '3h' },
  });
  if (positionals.length > 0) throw new CliError(`inspect: unexpected argument ${positionals[0]}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`inspect: --port takes a port number, got ${values.port}`);
  if (values.aws) {
    // AWS clients load only for --aws
    const { inspectAws } = await import('./inspect-aws.ts');
    return inspectAws({ stack: values.stack, since: values.since, port, ...(values.region ? { region: values.region } : {}), ...(values.config ? { config: values.config } : {}) });
  }
  const dataDir = resolve(await dataDirArg('inspect', values['data-dir'], true));
  const running = await readFile(join(dataDir, 'endpoints.json'), 'utf8').catch(() => undefined);
  if (running) {
    const { inspect } = JSON.parse(running) as { inspect?: string };
    if (inspect && (await fetch(inspect).then((r) => r.ok, () => false))) {
      console.log(JSON.stringify({ inspect, servedBy: 'the running stack' }));
      return 0;
    }
  }
  const config = await loadConfigFile(values.config);
  const stack = await startStack(config, { dataDir, keepClaims: true });
  const store = await ExecutionStore.open(dataDir, storeOptions(config));
  const inspector = await startInspector(
    {
      store,
      pipelines: Object.keys(config.pipelines),
      redrive: (batchId, fromExecution) =>
        redriveBatch(
          localRedriver(stack, undefined, (result) =>
            store
              .add(result, { redrove: fromExecution, readClaim: claimsFrom(stack.ctx) })
              .catch((error: Error) => void process.stderr.write(`sluice: execution ${result.executionArn} not kept for the inspector: ${error.message}\n`))),
          batchId,
        ),
    },
    port,
  );
  console.log(JSON.stringify({ inspect: inspector.url, dataDir }));
  process.stderr.write(`sluice: the executions of ${dataDir} at ${inspector.url} (Ctrl-C stops)\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await inspector.close();
  await stack.stop();
  return 0;
}
