import type { AslState } from '../workflows/asl/types.ts';
import type { Finding } from './finding.ts';
import { assignBlocks, templateEntries, templateToken } from './intrinsics.ts';
import { allStates } from './states.ts';

/** Fields that hold a path: any JSONPath AWS evaluates (null too: the input is not passed on). */
const PATHS = ['InputPath', 'OutputPath'] as const;
/** Fields that hold a reference path: one node, named without `@ , : ? *` or `..` (ResultPath may be null). */
const REFERENCE_PATHS = ['ResultPath', 'ItemsPath', 'SecondsPath', 'TimestampPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'MaxConcurrencyPath', 'ToleratedFailurePercentagePath', 'ToleratedFailureCountPath'] as const;
/** A reference path, or an intrinsic function that makes the value. */
const PATH_OR_INTRINSIC = ['ErrorPath', 'CausePath'] as const;
/** The payload templates whose `<key>.$` values are a path or an intrinsic function (and Assign's, assignBlocks). */
const TEMPLATES = ['Parameters', 'ItemSelector', 'ResultSelector'] as const;
/** What may come before a quote that opens a string: a bracket's name (`$['a b']`), a filter's operand, an argument. */
const OPENS_STRING = new Set(['[', '(', ',', '=', '<', '>', '!', '~']);

/**
 * The text outside quoted names and string literals (`$['a,b']`, `'{}'`): what a path's operators are looked
 * for in. A quote opens a string only where one can start (after `[`, `(`, `,`, an operator, or first): in a
 * name written with dots (`$.o'brien`) it is a character of the name.
 */
function unquoted(text: string): string | undefined {
  let out = '';
  let quote: string | undefined;
  /** The last character kept that is not white space ('' at the start). */
  let last = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if ((c === "'" || c === '"') && (last === '' || OPENS_STRING.has(last))) quote = c;
    else {
      out += c;
      if (c.trim() !== '') last = c;
    }
  }
  return quote ? undefined : out;
}

/** Brackets and parentheses that close in order. */
function balanced(text: string): boolean {
  const open: string[] = [];
  for (const c of text) {
    if (c === '[' || c === '(') open.push(c);
    else if (c === ']' || c === ')') {
      if (open.pop() !== (c === ']' ? '[' : '(')) return false;
    }
  }
  return open.length === 0;
}

/** What is wrong with a path (a reference path: one node), or undefined. */
function pathProblem(path: string, reference: boolean): string | undefined {
  if (!path.startsWith('$')) return 'a path starts with $ (or $$ for the context object)';
  const bare = unquoted(path);
  if (bare === undefined || !balanced(bare)) return 'its brackets, parentheses or quotes do not close';
  if (reference && (/[@,:?*]/.test(bare) || bare.includes('..'))) return 'a reference path names one node: no @ , : ? * or .. (filters, unions, slices, wildcards, deep scans)';
  return undefined;
}

/** The top-level arguments of an intrinsic call's text between its parentheses. */
function argumentsOf(inner: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === "'") quote = false;
    } else if (c === "'") quote = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      args.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = inner.slice(start).trim();
  return last === '' && args.length === 0 ? [] : [...args, last];
}

/** What is wrong with an intrinsic function call (`States.Format('{}', $.a)`), or undefined. */
function intrinsicProblem(text: string): string | undefined {
  const call = /^(States\.[A-Za-z0-9]+)\s*\(([\s\S]*)\)$/.exec(text.trim());
  const bare = unquoted(text);
  if (!call || bare === undefined || !balanced(bare)) return 'an intrinsic function is States.<Name>(<arguments>), its parentheses and quotes closed';
  for (const arg of argumentsOf(call[2]!)) {
    const literal = /^'(?:[^'\\]|\\.)*'$/.test(arg) || /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(arg) || ['true', 'false', 'null'].includes(arg);
    const problem = literal ? undefined : arg.startsWith('States.') ? intrinsicProblem(arg) : pathProblem(arg, false);
    if (problem) return `argument ${JSON.stringify(arg)}: ${arg.startsWith('$') || arg.startsWith('States.') ? problem : "an argument is a 'string', a number, true, false, null, a path or an intrinsic function"}`;
  }
  return undefined;
}

/** A value that is a path or an intrinsic function (a template's `.$` key, a Fail's ErrorPath), checked as either. */
const pathOrIntrinsic = (value: string, reference: boolean) => (value.trim().startsWith('States.') ? intrinsicProblem(value) : pathProblem(value, reference));

/** Every path of a Choice's rules, nested And/Or/Not ones too, with where it is. */
function choicePaths(rules: unknown, at: string, into: { at: string; path: unknown }[] = []): { at: string; path: unknown }[] {
  if (!Array.isArray(rules)) return into;
  rules.forEach((rule, i) => {
    if (typeof rule !== 'object' || rule === null) return;
    for (const [field, value] of Object.entries(rule as Record<string, unknown>)) {
      if (field === 'Variable' || field.endsWith('Path')) into.push({ at: `${at}[${i}].${field}`, path: value });
    }
    const nested = rule as { And?: unknown; Or?: unknown; Not?: unknown };
    choicePaths(nested.And, `${at}[${i}].And`, into);
    choicePaths(nested.Or, `${at}[${i}].Or`, into);
    if (nested.Not !== undefined) choicePaths([nested.Not], `${at}[${i}].Not`, into);
  });
  return into;
}

/**
 * The JSONPath fields of every JSONPath state, checked as AWS reads them: a path starts with `$`, its
 * brackets and quotes close, a reference path names one node; a template's `.$` value is a path or an
 * intrinsic function whose arguments are literals, paths or intrinsic functions. asl-validator's own path
 * parser refuses paths AWS accepts, so it runs in the sluice profile only; these checks stop at what AWS
 * refuses (SCHEMA_VALIDATION_FAILED), and a JSONata state is not theirs to judge.
 */
export function pathFindings(definition: Record<string, unknown>): Finding[] {
  const findings: Finding[] = [];
  const jsonata = definition.QueryLanguage === 'JSONata';
  const say = (state: string, at: string, value: unknown, problem: string) =>
    findings.push({ rule: 'path-syntax', severity: 'error', state, message: `${at} is ${JSON.stringify(value)}: ${problem}` });
  for (const { name, state } of allStates(definition)) {
    if ((state.QueryLanguage ?? (jsonata ? 'JSONata' : 'JSONPath')) === 'JSONata') continue;
    checkState(name, state, say);
  }
  return findings;
}

function checkState(name: string, state: AslState, say: (state: string, at: string, value: unknown, problem: string) => void): void {
  const fields = [...PATHS.map((field) => [field, false] as const), ...REFERENCE_PATHS.map((field) => [field, true] as const)];
  for (const [field, reference] of fields) {
    const value = state[field];
    if (value === undefined || templateToken(value) || (value === null && (field === 'InputPath' || field === 'OutputPath' || field === 'ResultPath'))) continue;
    const problem = typeof value === 'string' ? pathProblem(value, reference) : 'a path is a string';
    if (problem) say(name, field, value, problem);
  }
  const catchers = Array.isArray(state.Catch) ? (state.Catch as { ResultPath?: unknown }[]) : [];
  catchers.forEach((catcher, i) => {
    const value = catcher?.ResultPath;
    if (value === undefined || value === null || templateToken(value)) return;
    const problem = typeof value === 'string' ? pathProblem(value, true) : 'a path is a string';
    if (problem) say(name, `Catch[${i}].ResultPath`, value, problem);
  });
  for (const field of PATH_OR_INTRINSIC) {
    const value = state[field];
    if (typeof value === 'string' && !templateToken(value)) {
      const problem = pathOrIntrinsic(value, true);
      if (problem) say(name, field, value, problem);
    }
  }
  const templates = [...TEMPLATES.map((field) => ({ at: field as string, value: state[field] })), ...assignBlocks(state)];
  for (const template of templates) {
    for (const { at, key, value } of templateEntries(template.value, template.at)) {
      if (!key.endsWith('.$') || templateToken(value)) continue;
      const problem = pathOrIntrinsic(value, false);
      if (problem) say(name, `${at}.${key}`, value, `${problem} (a key ending in .$ takes a path or an intrinsic function; name it "${key.slice(0, -2)}" for a plain string)`);
    }
  }
  if (state.Type === 'Choice') {
    for (const { at, path } of choicePaths(state.Choices, 'Choices')) {
      if (templateToken(path)) continue;
      const problem = typeof path === 'string' ? pathProblem(path, false) : 'a path is a string';
      if (problem) say(name, at, path, problem);
    }
  }
}
