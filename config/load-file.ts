import { access, readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SluiceConfig } from '../contracts/config.ts';
import { ContractError } from '../contracts/decode.ts';
import { checkConfig } from './check.ts';
import { defaultConfig } from './default.ts';
import { withEndpoints } from './from-env.ts';

/** Module files Node imports (TypeScript through tsx): anything else is read as JSON. */
const MODULES = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/** Reads a configuration file: a module whose default export is the configuration, or JSON (`.json`, `.JSON`, any other name). */
export async function loadConfigFile(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<SluiceConfig> {
  if (!file) return withEndpoints(checkConfig(defaultConfig, 'default configuration'), env);
  const path = resolve(file);
  let raw: unknown;
  if (!MODULES.has(extname(path).toLowerCase())) {
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
    let module: { default?: unknown };
    try {
      module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (error) {
      throw new Error(`the configuration ${file} failed as it loaded: ${(error as Error).message}`, { cause: error });
    }
    if (module.default === undefined) throw new ContractError(file, ['no default export: the module exports the configuration as its default']);
    raw = module.default;
  }
  return withEndpoints(checkConfig(raw, file), env);
}
