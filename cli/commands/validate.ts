import { readFile } from 'node:fs/promises';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { lint } from '../../workflows/lint.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';

/**
 * sluice validate [FILE...]: asl-validator plus sluice's rules over the given ASL files, or over every
 * workflow as rendered now. Prints `file: state: message` per problem; exit 1 when there is any.
 */
export async function validateCommand(argv: string[]): Promise<number> {
  const { positionals } = parse('validate', argv, {});
  const sources: [string, string][] =
    positionals.length > 0
      ? await Promise.all(
          positionals.map(async (file): Promise<[string, string]> => {
            try {
              return [file, await readFile(file, 'utf8')];
            } catch (error) {
              throw new CliError(`validate: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
            }
          }),
        )
      : Object.entries(workflows).map(([name, definition]) => [`${name}.asl.json`, renderAsl(definition)]);
  let problems = 0;
  for (const [file, text] of sources) {
    const found = lint(text);
    for (const problem of found) console.log(`${file}: ${problem.state}: ${problem.message}`);
    if (found.length === 0) console.error(`${file}: valid`);
    problems += found.length;
  }
  return problems === 0 ? 0 : 1;
}
