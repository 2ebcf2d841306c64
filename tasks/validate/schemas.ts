import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Severity, ValidationIssue } from '../../contracts/batch.ts';
import type { SluiceConfig } from '../../contracts/config.ts';

// ajv-formats is CommonJS: under ESM its function is the module's `default` property
const addFormats = addFormatsModule.default;

const severities: readonly Severity[] = ['warning', 'error', 'critical'];
const compiled = new WeakMap<SluiceConfig, Map<string, ValidateFunction>>();

/** Every schema of the configuration compiled once; a schema that does not compile fails with its name. */
export function validators(config: SluiceConfig): Map<string, ValidateFunction> {
  const cached = compiled.get(config);
  if (cached) return cached;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-severity', schemaType: 'string' });
  const byName = new Map<string, ValidateFunction>();
  for (const [name, schema] of Object.entries(config.schemas)) {
    try {
      byName.set(name, ajv.compile(schema));
    } catch (error) {
      throw new Error(`schemas.${name}: ${(error as Error).message}`);
    }
  }
  compiled.set(config, byName);
  return byName;
}

/** An Ajv error as a sluice issue: a dotted path, a message, the severity its schema node declares. */
export function toIssue(error: ErrorObject): ValidationIssue {
  const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
  const path = `${error.instancePath}${missing}`.split('/').filter(Boolean).join('.');
  const declared = (error.parentSchema as Record<string, unknown> | undefined)?.['x-severity'];
  const severity = severities.includes(declared as Severity) ? (declared as Severity) : 'error';
  return { path: path || '(root)', message: error.message ?? error.keyword, severity };
}

export const worst = (issues: ValidationIssue[]): Severity =>
  issues.reduce<Severity>((top, issue) => (severities.indexOf(issue.severity) > severities.indexOf(top) ? issue.severity : top), 'warning');
