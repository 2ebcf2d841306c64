import type { AslState, Retrier } from '../workflows/asl/types.ts';
import type { Finding, MachineType } from './finding.ts';
import { assignBlocks, INTRINSICS, templateEntries, templateToken } from './intrinsics.ts';
import { pathFindings } from './paths.ts';
import type { RuleId } from './rule-ids.ts';
import { allStates } from './states.ts';

/** Express executions run at most five minutes. */
const EXPRESS_SECONDS = 300;
/** A Retry whose waits add up to more than this is probably a mistake (or a wait for a person). */
const LONG_RETRY_SECONDS = 3600;
const LAMBDA_ARN = /^arn:[\w-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?$/;
const TEMPLATES = ['Parameters', 'ItemSelector', 'ResultSelector', 'Arguments'] as const;
/** A definition AWS takes: at most 1 MB (a hard quota). */
const DEFINITION_BYTES = 1_048_576;
/** A Wait's Seconds: a whole number up to this. */
const WAIT_SECONDS_MAX = 99_999_999;
/** An RFC 3339 date-time, as a Wait's Timestamp and a Choice's timestamp comparisons take it. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const TIMESTAMP_COMPARISONS = ['TimestampEquals', 'TimestampLessThan', 'TimestampGreaterThan', 'TimestampLessThanEquals', 'TimestampGreaterThanEquals'];

const hours = (seconds: number) => (seconds >= 86_400 ? `${(seconds / 86_400).toFixed(1)} days` : `${(seconds / 3600).toFixed(1)} hours`);

/** The longest a Retrier can wait in all, its attempts run out (defaults as AWS applies them). */
export function retryWaitSeconds(retrier: Retrier): number {
  const attempts = retrier.MaxAttempts ?? 3;
  let total = 0;
  for (let k = 0; k < attempts; k++) total += Math.min((retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** k, retrier.MaxDelaySeconds ?? Infinity);
  return total;
}

/**
 * Rules for anyone's state machines: each finds a real defect, and none rejects a definition AWS accepts
 * and that works (measured on the public corpus in ../shared/corpus/asl-real).
 */
export function awsRules(definition: Record<string, unknown>, type: MachineType): Finding[] {
  const findings: Finding[] = [];
  const say = (rule: RuleId, severity: Finding['severity'], state: string, message: string) => findings.push({ rule, severity, state, message });
  const timeout = definition.TimeoutSeconds;
  if (typeof timeout === 'number' && !(Number.isInteger(timeout) && timeout >= 1)) say('number-range', 'error', '(top)', `TimeoutSeconds must be a whole number of 1 or more, got ${timeout}`);
  if (type === 'EXPRESS' && typeof timeout === 'number' && timeout > EXPRESS_SECONDS) {
    say('express-over-5-minutes', 'error', '(top)', `TimeoutSeconds ${timeout} is beyond what an Express execution may run (${EXPRESS_SECONDS} s): lower it, or make the machine STANDARD`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(definition));
  if (bytes > DEFINITION_BYTES) say('definition-too-large', 'error', '(definition)', `the definition is ${bytes} bytes, over the 1 MB (${DEFINITION_BYTES} bytes) AWS takes: move data out of it (a Map's items, a large Pass Result)`);
  for (const { name, state } of allStates(definition)) {
    check(name, state, type, say);
  }
  findings.push(...pathFindings(definition));
  return findings;
}

/** A Choice's nested rules (inside And, Or and Not), with where each is. */
function nestedRules(rules: unknown, at: string, nested = false, into: { at: string; rule: Record<string, unknown>; nested: boolean }[] = []) {
  if (!Array.isArray(rules)) return into;
  rules.forEach((rule, i) => {
    if (typeof rule !== 'object' || rule === null) return;
    const r = rule as Record<string, unknown>;
    into.push({ at: `${at}[${i}]`, rule: r, nested });
    nestedRules(r.And, `${at}[${i}].And`, true, into);
    nestedRules(r.Or, `${at}[${i}].Or`, true, into);
    if (r.Not !== undefined) nestedRules([r.Not], `${at}[${i}].Not`, true, into);
  });
  return into;
}

function check(name: string, state: AslState, type: MachineType, say: (rule: RuleId, severity: Finding['severity'], state: string, message: string) => void): void {
  const resource = typeof state.Resource === 'string' ? state.Resource : '';
  if (state.Type === 'Choice' && state.Default === undefined) {
    say('choice-no-default', 'warning', name, 'no Default: an input no rule matches fails the execution with States.NoChoiceMatched; add a Default');
  }
  if (state.Type === 'Task') {
    const sync = /\.sync(:\d+)?$/.test(resource);
    const token = resource.endsWith('.waitForTaskToken');
    if (type === 'EXPRESS' && (sync || token)) {
      say('express-unsupported-integration', 'error', name, `${sync ? '.sync' : '.waitForTaskToken'} integrations do not run in EXPRESS state machines: use the request-response form, or a STANDARD machine`);
    }
    if (token && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined && state.HeartbeatSeconds === undefined && state.HeartbeatSecondsPath === undefined) {
      say('wait-for-token-no-timeout', 'warning', name, 'waits for a task token with no TimeoutSeconds or HeartbeatSeconds: a token never sent keeps the execution open for up to a year; set one');
    }
    if (typeof state.HeartbeatSeconds === 'number' && typeof state.TimeoutSeconds === 'number' && state.HeartbeatSeconds >= state.TimeoutSeconds) {
      say('heartbeat-not-below-timeout', 'error', name, `HeartbeatSeconds (${state.HeartbeatSeconds}) must be below TimeoutSeconds (${state.TimeoutSeconds})`);
    }
    if (/^arn:[^:]+:lambda:/.test(resource) && !resource.includes('${') && !LAMBDA_ARN.test(resource)) {
      say('lambda-arn-malformed', 'error', name, `Resource ${resource} is not a Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])`);
    }
  }
  if (type === 'EXPRESS') {
    for (const field of ['Seconds', 'TimeoutSeconds'] as const) {
      const value = state[field];
      if (typeof value === 'number' && value > EXPRESS_SECONDS) say('express-over-5-minutes', 'error', name, `${field} ${value} is beyond what an Express execution may run (${EXPRESS_SECONDS} s)`);
    }
  }
  // (a string is JSONata's, or the schema's to refuse)
  if (state.Type === 'Wait' && typeof state.Seconds === 'number' && !(Number.isInteger(state.Seconds) && state.Seconds >= 0 && state.Seconds <= WAIT_SECONDS_MAX)) {
    say('number-range', 'error', name, `Seconds must be a whole number from 0 to ${WAIT_SECONDS_MAX}, got ${JSON.stringify(state.Seconds)}`);
  }
  if (state.Type === 'Map' && typeof state.MaxConcurrency === 'number' && !(Number.isInteger(state.MaxConcurrency) && state.MaxConcurrency >= 0)) {
    say('number-range', 'error', name, `MaxConcurrency must be a whole number, 0 or more (0: as many as can run), got ${JSON.stringify(state.MaxConcurrency)}`);
  }
  if (state.Type === 'Wait' && typeof state.Timestamp === 'string' && !state.Timestamp.startsWith('{%') && !templateToken(state.Timestamp) && !TIMESTAMP.test(state.Timestamp)) {
    say('timestamp-format', 'error', name, `Timestamp ${JSON.stringify(state.Timestamp)} is not an RFC 3339 date-time (2030-08-18T17:33:00Z, or with an offset)`);
  }
  if (state.Type === 'Choice') {
    for (const { at, rule, nested } of nestedRules(state.Choices, 'Choices')) {
      if (nested && rule.Next !== undefined) say('choice-nested-next', 'error', name, `${at} has a Next: a rule inside And, Or or Not has none (its top-level rule's Next is taken)`);
      for (const field of TIMESTAMP_COMPARISONS) {
        const value = rule[field];
        if (value !== undefined && !templateToken(value) && !(typeof value === 'string' && TIMESTAMP.test(value))) say('timestamp-format', 'error', name, `${at}.${field} ${JSON.stringify(value)} is not an RFC 3339 date-time (2030-08-18T17:33:00Z, or with an offset)`);
      }
    }
  }
  if (typeof state.ResultPath === 'string' && state.ResultPath.startsWith('$$')) {
    say('result-path-context', 'error', name, `ResultPath ${state.ResultPath} points into the context object, which is read-only: write into $ instead`);
  }
  if (state.Type === 'Pass' && state.Result !== undefined && state.ResultPath === null) {
    say('pass-result-discarded', 'warning', name, 'Result is set but ResultPath is null, so the Result is thrown away: drop one of them');
  }
  for (const field of ['Retry', 'Catch'] as const) {
    const list = Array.isArray(state[field]) ? (state[field] as { ErrorEquals?: unknown }[]) : [];
    list.forEach((entry, i) => {
      const errors = entry?.ErrorEquals;
      if (!Array.isArray(errors) || errors.length === 0 || errors.some((error) => typeof error !== 'string')) {
        say('retrier-fields', 'error', name, `${field}[${i}].ErrorEquals must be a list of at least one error name, got ${JSON.stringify(errors)}`);
      } else if (errors.includes('States.ALL') && (errors.length > 1 || i < list.length - 1)) {
        say('states-all-not-last', 'error', name, `${field}[${i}]: States.ALL must be alone in its ErrorEquals and in the last ${field === 'Retry' ? 'retrier' : 'catcher'}; AWS refuses the definition`);
      }
    });
  }
  for (const retrier of Array.isArray(state.Retry) ? (state.Retry as Retrier[]) : []) {
    for (const [field, least] of [['IntervalSeconds', 1], ['MaxDelaySeconds', 1], ['MaxAttempts', 0]] as const) {
      const value = retrier[field];
      if (value !== undefined && !(Number.isInteger(value) && value >= least)) say('retrier-fields', 'error', name, `Retry ${field} must be a whole number of ${least} or more, got ${JSON.stringify(value)}`);
    }
    const jitter = (retrier as { JitterStrategy?: unknown }).JitterStrategy;
    if (jitter !== undefined && jitter !== 'FULL' && jitter !== 'NONE') say('retrier-fields', 'error', name, `Retry JitterStrategy must be FULL or NONE, got ${JSON.stringify(jitter)}`);
    if (typeof retrier.BackoffRate === 'number' && retrier.BackoffRate < 1) {
      say('backoff-rate-below-1', 'error', name, `Retry BackoffRate ${retrier.BackoffRate} must be 1 or more`);
    }
    const total = retryWaitSeconds(retrier);
    if (total > LONG_RETRY_SECONDS) {
      say('retry-schedule-long', 'warning', name, `Retry on ${(retrier.ErrorEquals ?? []).join(', ')} can wait ${hours(total)} in all before it gives up: set MaxDelaySeconds or fewer MaxAttempts`);
    }
  }
  for (const template of [...TEMPLATES.map((field) => ({ at: field as string, value: state[field] })), ...assignBlocks(state)]) {
    for (const { at, key, value } of templateEntries(template.value, template.at)) {
      if (!key.endsWith('.$') && /^\$\$?(\.|\[|$)/.test(value)) {
        say('path-without-dollar-key', 'warning', name, `${at}.${key} is "${value}", a path taken as a plain string: name the key "${key}.$" to read the path`);
      }
      const intrinsic = key.endsWith('.$') ? /^(States\.[A-Za-z0-9]+)\s*\(/.exec(value.trim())?.[1] : undefined;
      if (intrinsic && !INTRINSICS.has(intrinsic)) say('unknown-intrinsic', 'error', name, `${at}.${key}: ${intrinsic} is not an intrinsic function (${[...INTRINSICS].slice(0, 4).join(', ')}, …)`);
    }
  }
}
