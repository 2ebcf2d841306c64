import type { Definition, Finding } from './finding.ts';

export type Format = 'text' | 'json' | 'github' | 'sarif';
export interface Reported extends Finding {
  file: string;
  machine?: string;
  line: number;
}

/** The line where a state is named in the file (1 when it cannot be found): where an annotation points. */
export function lineOf(source: Definition, state: string): number {
  // the state's key (`"Pick": {`), not a mention of it (`"StartAt": "Pick"`)
  const key = new RegExp(`${JSON.stringify(state).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`).exec(source.text);
  return key ? source.text.slice(0, key.index).split('\n').length : 1;
}

const where = (r: Reported) => `${r.file}${r.machine ? ` (${r.machine})` : ''}`;

/** `file: state: message [rule]` (warnings marked), JSON, or GitHub Actions annotations. */
export function render(findings: Reported[], format: Format): string[] {
  if (format === 'json') return [JSON.stringify(findings)];
  if (format === 'sarif') return [JSON.stringify(sarif(findings))];
  if (format === 'github') {
    return findings.map((r) => `::${r.severity === 'error' ? 'error' : 'warning'} file=${r.file},line=${r.line},title=${r.rule}::${r.state}: ${r.message.replace(/%/g, '%25').replace(/\n/g, '%0A')}`);
  }
  return findings.map((r) => `${where(r)}: ${r.state}: ${r.severity === 'warning' ? 'warning: ' : ''}${r.message} [${r.rule}]`);
}

/** SARIF 2.1.0, as code-scanning tools read it: one run, a rule per rule id, a result per finding at its file and line. */
function sarif(findings: Reported[]) {
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'sluice validate', rules: rules.map((id) => ({ id })) } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          level: f.severity === 'error' ? 'error' : 'warning',
          message: { text: `${f.state}: ${f.message}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.file }, region: { startLine: f.line } } }],
        })),
      },
    ],
  };
}
