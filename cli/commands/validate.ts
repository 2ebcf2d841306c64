import { readFile } from 'node:fs/promises';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { lint } from '../../workflows/lint.ts';
import { formatSeconds, shortPath, worstCase } from '../../workflows/worst-case.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';

/**
 * sluice validate [FILE...]: asl-validator plus sluice's rules over the given ASL files, or over every
 * workflow as rendered now. Prints `file: state: message` per problem; exit 1 when there is any. On
 * stderr, each file's worst-case duration (an Express execution is stopped at 300 s, seen by no Catch).
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
    const worst = summary(text);
    if (found.length === 0) console.error(`${file}: valid${worst ? ` (${worst})` : ''}`);
    else if (worst) console.error(`${file}: ${worst}`);
    problems += found.length;
  }
  return problems === 0 ? 0 : 1;
}

/** `worst case 264 s: A → … → Z`, when the duration is bounded (otherwise a problem line says why). */
function summary(text: string): string | undefined {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch {
    return undefined;
  }
  const worst = worstCase(definition as Record<string, unknown>);
  return 'unbounded' in worst ? undefined : `worst case ${formatSeconds(worst.seconds)}: ${shortPath(worst.path)}`;
}
