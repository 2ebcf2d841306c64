import { readFile } from 'node:fs/promises';
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { ContractError, decodeOrThrow } from '../contracts/decode.ts';
import { strict } from '../contracts/strict.ts';
import type { Finding } from './finding.ts';
import { FAILURE_IDS, RULE_IDS, type RuleId } from './rule-ids.ts';

/** Where `sluice validate` looks for its configuration when --config is not given: the working directory. */
export const DEFAULT_CONFIG_FILE = '.sluice-validate.json';

export const RuleSetting = t.keyof({ off: null, warning: null, error: null });
export type RuleSetting = t.TypeOf<typeof RuleSetting>;

const isRule = (id: string): id is RuleId => (RULE_IDS as readonly string[]).includes(id) || /^aws:[A-Z][A-Z0-9_]*$/.test(id);

function unknownRule(id: string): string {
  if ((FAILURE_IDS as readonly string[]).includes(id)) return 'not a rule: it says a file or a check could not run, which no configuration silences';
  return `no such rule (the rules: ${RULE_IDS.join(', ')}, and aws:<CODE> for what --aws reports)`;
}

type RuleSettings = Partial<Record<RuleId, RuleSetting>>;

/** Rule id → setting. Not io-ts's t.record, which drops a key its domain refuses: a misspelt rule id would be ignored without a word. */
const RuleSettings = new t.Type<RuleSettings, RuleSettings, unknown>(
  '{ "<rule id>": "off" | "warning" | "error" }',
  (u): u is RuleSettings => t.UnknownRecord.is(u) && Object.entries(u).every(([id, setting]) => isRule(id) && RuleSetting.is(setting)),
  (u, context) => {
    const record = t.UnknownRecord.validate(u, context);
    if (isLeft(record)) return record;
    const errors = Object.entries(record.right).flatMap(([id, setting]): t.ValidationError[] => {
      const at = [...context, { key: id, type: RuleSetting, actual: setting }];
      if (!isRule(id)) return [{ value: id, context: at, message: unknownRule(id) }];
      const decoded = RuleSetting.validate(setting, at);
      return isLeft(decoded) ? decoded.left : [];
    });
    return errors.length > 0 ? t.failures(errors) : t.success(record.right as RuleSettings);
  },
  t.identity,
);

/** `{"profile": "aws", "rules": {"choice-no-default": "off", "retry-schedule-long": "error"}}`, as eslint and cfn-lint take theirs. */
export const ValidateConfig = strict('ValidateConfig', {}, { profile: t.keyof({ aws: null, sluice: null }), rules: RuleSettings });
export type ValidateConfig = t.TypeOf<typeof ValidateConfig>;

/** The configuration in `file`, or in DEFAULT_CONFIG_FILE when there is one; a file that cannot be read or decoded throws, naming the file and the key. */
export async function loadValidateConfig(file: string | undefined): Promise<{ file: string; config: ValidateConfig } | undefined> {
  const path = file ?? DEFAULT_CONFIG_FILE;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (file === undefined && code === 'ENOENT') return undefined;
    throw new Error(`cannot read the configuration ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ContractError(path, [`not JSON: ${(error as Error).message}`]);
  }
  return { file: path, config: decodeOrThrow(ValidateConfig, raw, path) };
}

/** The findings as a configuration has them: those of a rule it turns off left out, the others at the severity it gives their rule. */
export function configured(findings: Finding[], rules: Partial<Record<string, RuleSetting>> = {}): Finding[] {
  return findings.flatMap((finding) => {
    const setting = rules[finding.rule];
    if (setting === 'off') return [];
    return setting ? [{ ...finding, severity: setting }] : [finding];
  });
}
