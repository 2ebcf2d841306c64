import { loadConfigFile } from '../../config/load-file.ts';
import { validators } from '../../tasks/validate/schemas.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';

/**
 * sluice config [--config FILE]: checks a configuration (its shape, its cross-references, that every schema
 * compiles) and prints it as JSON: the default one is where a configuration of your own starts.
 */
export async function configCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('config', argv, { config: { type: 'string' } });
  if (positionals.length > 0) throw new CliError(`config: unexpected argument ${positionals[0]}`);
  const config = await loadConfigFile(values.config);
  validators(config);
  console.log(JSON.stringify(config, null, 2));
  return 0;
}
