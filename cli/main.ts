import { SLUICE_VERSION } from '../contracts/version.ts';
import { CliError } from './errors.ts';

const USAGE = `usage: sluice <command> [options]

  asl [--out DIR]                  write <workflow>.asl.json and <workflow>.svg for each workflow (default dist/asl)
  validate [FILE...] [--profile aws|sluice] [--format text|json|github] …
                                   check state machines (ASL files, templates, or sluice's own): validate --help
  run <kinesis|s3|firehose> --event FILE [--pipeline NAME] [--config FILE] [--wait] [--data-dir DIR]
  run s3 --object FILE [--pipeline NAME] [--inspect FILE.html]
                                   run one execution on the embedded stack; the last line is a JSON summary
  redrive (--data-dir DIR | --aws [--stack NAME]) [--pipeline NAME] [--batch ID] [--unfinished-after S] [--dry-run] [--force]
                                   new executions for the batches the ledger marks FAILED or BACKED_UP (--force: also those that failed for good)
  start [--data-dir DIR] [--port N] [--config FILE] [--quiet]
                                   the local stack, running until stopped (npm start): ingest API, Pipes, delivery streams
  produce --pipeline P [--rate N] [--duration S] [--batch-size B] [--malformed PCT] [--url URL | --data-dir DIR]
                                   generated events through the running stack's ingest API, at a steady rate
  status [--json] [--data-dir DIR] [--config FILE]
                                   per pipeline: the ledger's sums and batches by status, and the live figures
  inspect [--data-dir DIR] [--port N]
                                   the executions of a data folder as a local web app: list, search, graph, redrive
  inspect --aws [--stack NAME] [--region R] [--since 3h] [--port N]
                                   the same for a deployed stack: its executions from their CloudWatch Logs log groups
  test PATH... [--config FILE] [--json]
                                   pipeline fixtures (input and what must come of it) on the embedded engine, for CI
  demo                             a sample of each of the five seed systems through its workflow, then exit (CI runs it)
  cost [--record-bytes N] [--execution-seconds S] [--task-ms M] [--object-records N] [--log-level L] [--config FILE] [--json]
                                   the AWS cost of a million records per pipeline, with the prices it assumes
  config [--config FILE]           check a configuration and print it as JSON (the default one without --config)
  help, --help                     this text; <command> --help: that command's lines
  --version                        sluice's version

  OpenSearch: set SLUICE_OPENSEARCH_ENDPOINT=http://host:9200 to deliver to an OpenSearch sink.`;

/** Each command loads on use: `sluice validate` never pays for the CDK or the AWS clients of `redrive --aws`. */
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  asl: async () => (await import('./commands/asl.ts')).aslCommand,
  validate: async () => (await import('./commands/validate.ts')).validateCommand,
  run: async () => (await import('./commands/run.ts')).runCommand,
  demo: async () => (await import('./commands/demo.ts')).demoCommand,
  start: async () => (await import('./commands/start.ts')).startCommand,
  produce: async () => (await import('./commands/produce.ts')).produceCommand,
  status: async () => (await import('./commands/status.ts')).statusCommand,
  inspect: async () => (await import('./commands/inspect.ts')).inspectCommand,
  test: async () => (await import('./commands/test.ts')).testCommand,
  cost: async () => (await import('./commands/cost.ts')).costCommand,
  redrive: async () => (await import('./commands/redrive.ts')).redriveCommand,
  config: async () => (await import('./commands/config.ts')).configCommand,
};

/** A command's lines of the usage text: its own and the indented ones under it. */
function usageOf(name: string): string {
  const lines = USAGE.split('\n');
  const picked: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (/^  \S/.test(line)) inside = line.startsWith(`  ${name} `) || line === `  ${name}`;
    else if (!/^\s{20,}\S/.test(line)) inside = false;
    if (inside) picked.push(line);
  }
  return `usage: sluice\n${picked.join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    console.log(SLUICE_VERSION);
    return 0;
  }
  // validate has help of its own; the others print their usage lines
  if (name && name !== 'validate' && COMMANDS[name] && (rest.includes('--help') || rest.includes('-h'))) {
    console.log(usageOf(name));
    return 0;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const load = COMMANDS[name];
  if (!load) throw new CliError(`unknown command "${name}"\n\n${USAGE}`);
  return (await load())(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      console.error(`sluice: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      // a plain Error's message says it all; a named one (NoSuchKey, Sluice.InvalidInput) keeps its name
      const { name, message } = error as Error;
      console.error(`sluice: ${name === 'Error' ? message : `${name}: ${message}`}`);
      process.exitCode = 1;
    }
  },
);
