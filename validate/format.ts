import type { Definition, Finding } from './finding.ts';

export type Format = 'text' | 'json' | 'github' | 'sarif';
export interface Reported extends Finding {
  file: string;
  machine?: string;
  line: number;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * The line where a state is named in the file (its key, `"Pick": {`, not a mention such as `"StartAt": "Pick"`):
 * where an annotation points. In a template, the state's key within its machine's resource, quotes escaped
 * when the definition is a string; the resource's line when the state is not found; 1 when nothing is.
 */
export function lineOf(source: Definition, state: string): number {
  const key = (name: string) => `${escaped(JSON.stringify(name))}\\s*:`;
  if (source.template === undefined || source.name === undefined) {
    const found = new RegExp(key(state)).exec(source.text);
    return found ? lineAt(source.text, found.index) : 1;
  }
  const resource = new RegExp(key(source.name)).exec(source.template);
  if (!resource) return 1;
  const rest = source.template.slice(resource.index);
  const inString = new RegExp(`${escaped(JSON.stringify(JSON.stringify(state)).slice(1, -1))}\\s*:`).exec(rest);
  const inObject = new RegExp(key(state)).exec(rest);
  const found = [inString, inObject].filter((m) => m !== null).sort((a, b) => a.index - b.index)[0];
  return lineAt(source.template, resource.index + (found?.index ?? 0));
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
