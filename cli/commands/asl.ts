import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderAsl, workflows } from '../../workflows/index.ts';
import { renderSvg } from '../../workflows/render-svg.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';

/** sluice asl [--out DIR]: writes <workflow>.asl.json, and its graph as <workflow>.svg, for every workflow. */
export async function aslCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('asl', argv, { out: { type: 'string', default: 'dist/asl' } });
  if (positionals.length > 0) throw new CliError(`asl: unexpected argument ${positionals[0]}`);
  await mkdir(values.out, { recursive: true });
  for (const [name, definition] of Object.entries(workflows)) {
    const file = join(values.out, `${name}.asl.json`);
    await writeFile(file, renderAsl(definition));
    const picture = join(values.out, `${name}.svg`);
    await writeFile(picture, await renderSvg(definition, `sluice ${name} workflow`));
    console.log(`${file}\n${picture}`);
  }
  return 0;
}
