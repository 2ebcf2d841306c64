import { sluiceRules } from '../workflows/lint.ts';
import { durationProblems, EXPRESS_LIMIT_SECONDS, worstCase } from '../workflows/worst-case.ts';
import { schemaFindings } from './asl-schema.ts';
import type { Definition, Finding } from './finding.ts';
import { awsRules } from './rules.ts';

/** `aws`: rules for anyone's state machines. `sluice`: sluice's house rules on top (its own workflows, and users who run theirs on the embedded engine). */
export type Profile = 'aws' | 'sluice';

/** An Express machine's worst-case duration: over the limit is an error; unbounded is one in the sluice profile, a warning in the aws one. */
function durationFindings(definition: Record<string, unknown>, profile: Profile): Finding[] {
  const bounded = !('unbounded' in worstCase(definition));
  return durationProblems(definition).map((problem) => ({
    rule: 'express-worst-case',
    severity: bounded || profile === 'sluice' ? 'error' : 'warning',
    ...problem,
    message: bounded ? problem.message : `${problem.message} (an Express execution is stopped at ${EXPRESS_LIMIT_SECONDS} s, seen by no Catch)`,
  }));
}

/** Every finding for one definition; a checker that fails is reported as this definition's problem, and the others still run. */
export function check(source: Definition, profile: Profile): Finding[] {
  const checkers: [string, () => Finding[]][] = [
    ['asl-validator', () => schemaFindings(source.definition, profile === 'sluice')],
    // in sluice's profile a Choice without Default is an error: an input no rule matches fails the execution, uncaught
    ['rules', () => awsRules(source.definition, source.type).map((f) => (profile === 'sluice' && f.rule === 'choice-no-default' ? { ...f, severity: 'error' as const } : f))],
    ['duration', () => (source.type === 'EXPRESS' ? durationFindings(source.definition, profile) : [])],
    ['house rules', () => (profile === 'sluice' ? sluiceRules(source.definition).map((p) => ({ rule: 'sluice-house', severity: 'error' as const, ...p })) : [])],
  ];
  return checkers.flatMap(([name, run]) => {
    try {
      return run();
    } catch (error) {
      return [{ rule: 'internal', severity: 'error' as const, state: '(definition)', message: `the ${name} check failed on this definition: ${(error as Error).message}` }];
    }
  });
}
