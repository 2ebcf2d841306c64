/** The ids of the rules `sluice validate` runs: what a configuration may turn off or give another severity. */
export const RULE_IDS = [
  'asl-schema',
  'asl-validator-failed',
  'choice-no-default',
  'express-unsupported-integration',
  'wait-for-token-no-timeout',
  'heartbeat-not-below-timeout',
  'lambda-arn-malformed',
  'express-over-5-minutes',
  'result-path-context',
  'pass-result-discarded',
  'backoff-rate-below-1',
  'retrier-fields',
  'states-all-not-last',
  'retry-schedule-long',
  'path-without-dollar-key',
  'path-syntax',
  'unknown-intrinsic',
  'choice-nested-next',
  'number-range',
  'timestamp-format',
  'definition-too-large',
  'express-worst-case',
  'sluice-house',
] as const;

/** What is said when a file or a check could not be run at all: not rules, so no configuration silences them. */
export const FAILURE_IDS = ['unreadable', 'internal', 'aws-unavailable'] as const;

/** A rule of sluice's, or one of AWS's diagnostics under `--aws` (`aws:SCHEMA_VALIDATION_FAILED`). */
export type RuleId = (typeof RULE_IDS)[number] | `aws:${string}`;
export type FindingId = RuleId | (typeof FAILURE_IDS)[number];
