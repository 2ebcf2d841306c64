import type { Body, Quarantined, Rec, ValidationIssue } from '../../contracts/batch.ts';
import type { ValidationConfig } from '../../contracts/config.ts';
import type { ValidateFunction } from 'ajv';
import { toIssue, worst } from './schemas.ts';

function schemaFor(data: Record<string, unknown>, config: ValidationConfig): string | undefined {
  const type = config.typeField ? data[config.typeField] : undefined;
  if (typeof type === 'string' && config.types && Object.hasOwn(config.types, type)) return config.types[type];
  return config.fallback;
}

/** The record's issues; undefined when it is valid (no empty array per valid record). */
function check(record: Rec, config: ValidationConfig, schemas: Map<string, ValidateFunction>): ValidationIssue[] | undefined {
  const name = schemaFor(record.data, config);
  if (name === undefined) {
    const type = config.typeField ? record.data[config.typeField] : undefined;
    const message = type === undefined ? `missing ${config.typeField}` : `unknown event type ${JSON.stringify(type)}`;
    return [{ path: config.typeField ?? '(root)', message, severity: 'critical' }];
  }
  const validate = schemas.get(name)!;
  return validate(record.data) ? undefined : (validate.errors ?? []).map(toIssue);
}

/**
 * Checks each record against the schema of its event type. Records with an `error` or `critical` issue
 * are quarantined with every issue; records with only warnings pass and carry them.
 */
export function validateBody(body: Body, config: ValidationConfig | undefined, schemas: Map<string, ValidateFunction>): Body {
  if (!config) return body;
  const records: Rec[] = [];
  const quarantined: Quarantined[] = [];
  for (const record of body.records) {
    let issues: ValidationIssue[] | undefined;
    try {
      issues = check(record, config, schemas);
    } catch (error) {
      // a record that breaks the validator fails alone, with what broke
      issues = [{ path: '(root)', message: `could not be validated: ${(error as Error)?.message ?? String(error)}`, severity: 'critical' }];
    }
    if (!issues || issues.length === 0) {
      records.push(record);
      continue;
    }
    const severity = worst(issues);
    if (severity === 'warning') {
      records.push({ ...record, warnings: issues });
    } else {
      quarantined.push({
        id: record.id,
        unit: record.unit,
        reason: 'schema-validation',
        severity,
        errors: issues,
        raw: JSON.stringify(record.data),
      });
    }
  }
  return { ...body, records, quarantined: [...body.quarantined, ...quarantined] };
}
