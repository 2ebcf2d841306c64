import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors.ts';

/** node:util parseArgs, with its errors turned into CliErrors that name the command. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliError(`${command}: ${(error as Error).message} (see 'sluice help')`);
  }
}
