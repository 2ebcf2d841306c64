import { stat } from 'node:fs/promises';
import { CliError } from './errors.ts';

/**
 * A `--data-dir` as given, checked before any server touches it: a file is never taken for a folder,
 * and a command that reads a kept folder (`redrive`) refuses one that does not exist instead of making
 * an empty one and finding nothing in it.
 */
export async function dataDirArg(command: string, dir: string, mustExist: boolean): Promise<string> {
  const found = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new CliError(`${command}: --data-dir ${dir}: ${error.code ?? error.message}`);
  });
  if (found && !found.isDirectory()) throw new CliError(`${command}: --data-dir ${dir} is a file, not a folder`);
  if (!found && mustExist) throw new CliError(`${command}: --data-dir ${dir} does not exist (a run with --data-dir ${dir} keeps its state there)`);
  return dir;
}
