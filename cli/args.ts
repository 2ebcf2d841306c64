import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors.ts';

/**
 * `--record-bytes -5` as `--record-bytes=-5`: parseArgs takes a value that starts with a dash for an
 * option, and its "did you forget the option argument" would hide what is actually wrong (the value).
 */
function withNegativeValues(argv: string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && options[arg.slice(2)]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/**
 * node:util parseArgs, with its errors turned into CliErrors that name the command. An option given an empty
 * value is refused: `--batch "$UNSET"` read as no --batch redrove every due batch, `--data-dir ""` kept nothing.
 */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: withNegativeValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${command}: ${(error as Error).message} (see 'sluice help')`);
  }
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === '' || (Array.isArray(value) && value.includes(''))) throw new CliError(`${command}: --${name} needs a value, got an empty one`);
  }
  return parsed;
}
