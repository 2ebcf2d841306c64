import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';

/** sluice asl [--out DIR]: writes <workflow>.asl.json for every workflow. */
export async function aslCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('asl', argv, { out: { type: 'string', default: 'dist/asl' } });
  if (positionals.length > 0) throw new CliError(`asl: unexpected argument ${positionals[0]}`);
  await mkdir(values.out, { recursive: true });
  for (const [name, definition] of Object.entries(workflows)) {
    const file = join(values.out, `${name}.asl.json`);
    await writeFile(file, renderAsl(definition));
    console.log(file);
  }
  return 0;
}
