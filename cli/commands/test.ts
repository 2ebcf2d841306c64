import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfigFile } from '../../config/load-file.ts';
import { decodeOrThrow } from '../../contracts/decode.ts';
import { Fixture } from '../../contracts/fixture.ts';
import { differences, runFixture } from '../../local/fixtures.ts';
import { startStack } from '../../local/stack.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';

/** The fixture files of the paths: files as given, folders' *.json files (sorted). */
async function fixtureFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const found = await stat(path).catch(() => {
      throw new CliError(`test: ${path} does not exist`);
    });
    if (!found.isDirectory()) files.push(path);
    else files.push(...(await readdir(path)).filter((name) => name.endsWith('.json')).sort().map((name) => join(path, name)));
  }
  if (files.length === 0) throw new CliError(`test: no fixture (*.json) in ${paths.join(', ')}`);
  return files;
}

/**
 * sluice test PATH... [--config FILE]: users' pipeline tests for CI, like `vector test`. Each fixture
 * runs its input through its pipeline on the embedded engine and compares what it states (status,
 * counts, quarantine reasons, outputs per sink) with what happened; a failure prints expected against
 * actual. Exit 1 when any fixture fails.
 */
export async function testCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('test', argv, { config: { type: 'string' }, json: { type: 'boolean', default: false } });
  if (positionals.length === 0) throw new CliError('test: give fixture files or folders (see examples/fixtures/)');
  const files = await fixtureFiles(positionals);
  const config = await loadConfigFile(values.config);
  const stack = await startStack(config, { skipWaits: true });
  let failed = 0;
  const results: { fixture: string; name: string; problems: string[] }[] = [];
  try {
    for (const file of files) {
      let problems: string[];
      let name = file;
      try {
        const fixture = decodeOrThrow(Fixture, JSON.parse(await readFile(file, 'utf8')), file);
        name = fixture.name ?? file;
        problems = differences(fixture.expect, await runFixture(stack, fixture, file));
      } catch (error) {
        problems = [(error as Error).message];
      }
      if (problems.length > 0) failed++;
      results.push({ fixture: file, name, problems });
      if (!values.json) console.log(problems.length === 0 ? `ok    ${name}` : `FAIL  ${name}\n${problems.flatMap((p) => p.split('\n')).map((line) => `      ${line.trim()}`).join('\n')}`);
    }
  } finally {
    await stack.stop();
  }
  console.log(values.json ? JSON.stringify({ passed: files.length - failed, failed, fixtures: results }) : `fixtures: ${files.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}
