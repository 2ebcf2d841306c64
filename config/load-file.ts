import { access, readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SluiceConfig } from '../contracts/config.ts';
import { ContractError } from '../contracts/decode.ts';
import { checkConfig } from './check.ts';
import { defaultConfig } from './default.ts';
import { withEndpoints } from './from-env.ts';

/** Reads a configuration file: JSON, or a module whose default export is the configuration. */
export async function loadConfigFile(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<SluiceConfig> {
  if (!file) return withEndpoints(checkConfig(defaultConfig, 'default configuration'), env);
  const path = resolve(file);
  let raw: unknown;
  if (extname(path) === '.json') {
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`cannot read the configuration ${file}: ${error.code === 'ENOENT' ? 'no such file' : (error.code ?? error.message)}`, { cause: error });
    });
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new ContractError(file, [`not JSON: ${(error as Error).message}`]);
    }
  } else {
    await access(path).catch(() => {
      throw new Error(`cannot read the configuration ${file}: no such file`);
    });
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    raw = module.default;
  }
  return withEndpoints(checkConfig(raw, file), env);
}
