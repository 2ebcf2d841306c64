import type { Definition, Finding } from './finding.ts';

export type Format = 'text' | 'json' | 'github';
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
  if (format === 'github') {
    return findings.map((r) => `::${r.severity === 'error' ? 'error' : 'warning'} file=${r.file},line=${r.line},title=${r.rule}::${r.state}: ${r.message.replace(/%/g, '%25').replace(/\n/g, '%0A')}`);
  }
  return findings.map((r) => `${where(r)}: ${r.state}: ${r.severity === 'warning' ? 'warning: ' : ''}${r.message} [${r.rule}]`);
}
