import { resolve } from 'node:path';
import { loadConfigFile } from '../../config/load-file.ts';
import { startRunningStack } from '../../local/running-stack.ts';
import { parse } from '../args.ts';
import { dataDirArg } from '../data-dir-arg.ts';
import { CliError } from '../errors.ts';
import { startLiveView } from '../live-view.ts';

/** The ingest API's port unless `--port` says otherwise. */
export const DEFAULT_PORT = 9900;

/**
 * sluice start (npm start): the local stack, running until Ctrl-C or SIGTERM. The first stdout line
 * starting with `{` is `{"ready":true,"dataDir":…,"endpoints":{…}}`; the live view goes to stderr.
 * Stopping closes intake, lets executions in flight finish (25 s at most: what outlasts it is left to
 * the ledger, and redriven by the next start) and keeps buffers and checkpoints; exit 0.
 */
export async function startCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('start', argv, {
    'data-dir': { type: 'string', default: '.sluice' },
    port: { type: 'string', default: String(DEFAULT_PORT) },
    config: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw new CliError(`start: unexpected argument ${positionals[0]}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`start: --port takes a port number (0 for any free one), got ${values.port}`);
  const dataDir = resolve(await dataDirArg('start', values['data-dir'], false));
  const config = await loadConfigFile(values.config);

  process.stderr.write(`sluice: starting the local stack in ${dataDir}\n`);
  const running = await startRunningStack(config, { dataDir, port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new CliError(`start: port ${port} is taken: give --port N (or 0 for any free one)`);
    throw error;
  });
  console.log(JSON.stringify({ ready: true, dataDir, endpoints: running.endpoints }));
  process.stderr.write(`sluice: ready. Send events: curl -X POST ${running.endpoints.ingest}/pipelines/<pipeline>/records -d '{…}'  ·  status: ${running.endpoints.ingest}/status  ·  Ctrl-C stops\n`);
  const stopView = values.quiet ? () => {} : startLiveView(() => running.stats.snapshot(), running.load);

  await new Promise<void>((resolveStop) => {
    let stopping = 0;
    const stop = (signal: string) => {
      // the same stop sent twice at once (a signal to the process group and to us) is one stop
      if (stopping && Date.now() - stopping < 2000) return;
      if (stopping) {
        process.stderr.write(`sluice: ${signal} again: exiting now; the ledger and the buffers on disk keep what was in flight\n`);
        process.exit(130);
      }
      stopping = Date.now();
      stopView();
      process.stderr.write(`sluice: ${signal}: intake closed, waiting for executions in flight\n`);
      running.stop().then(resolveStop, (error: Error) => {
        process.stderr.write(`sluice: stopping: ${error.message}\n`);
        process.exitCode = 1;
        resolveStop();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // a failure nothing in the stack answers for would end the process where it stands (Node's default):
    // it is said, and the stack stops as on SIGTERM, so that what is in flight ends in the ledger; exit 1
    const failed = (error: unknown) => {
      process.stderr.write(`sluice: unexpected failure, stopping: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
      stop('failure');
    };
    process.on('unhandledRejection', failed);
    process.on('uncaughtException', failed);
  });
  process.stderr.write('sluice: stopped\n');
  const code = process.exitCode === 1 ? 1 : 0;
  // an execution abandoned at the deadline may still hold timers: they must not keep the process up
  setTimeout(() => process.exit(code), 200);
  return code;
}
