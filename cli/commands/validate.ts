import { renderAsl, workflows } from '../../workflows/index.ts';
import { formatSeconds, shortPath, worstCase } from '../../workflows/worst-case.ts';
import { check, type Profile } from '../../validate/check.ts';
import { awsFindings, awsValidator } from '../../validate/aws-check.ts';
import type { Definition, Finding, MachineType } from '../../validate/finding.ts';
import { lineOf, render, type Format, type Reported } from '../../validate/format.ts';
import { definitionsIn } from '../../validate/sources.ts';
import { configured, DEFAULT_CONFIG_FILE, loadValidateConfig } from '../../validate/validate-config.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';

const USAGE = `usage: sluice validate [FILE...] [--profile aws|sluice] [--type standard|express] [--format text|json|github|sarif] [--deny-warnings] [--aws] [--config FILE]

  FILE      ASL JSON or YAML, or a CloudFormation / CDK template (every AWS::StepFunctions::StateMachine in it,
            with its own type); without FILE, sluice's own workflows (profile sluice, EXPRESS)
  --profile aws (default for files): rules that find real defects and accept what AWS accepts;
            sluice: sluice's house rules on top (a Retry and a Catch on every Task, readable names, JSONPath only)
  --type    the type of ASL files (templates say their own); without it, EXPRESS for sluice's own (as
            \`sluice asl\` writes them), STANDARD for others, as AWS creates a machine, and said so
  --format  text (file: state: message [rule]), json, github (workflow annotations) or sarif (code scanning)
  --deny-warnings  warnings fail the run too
  --aws     also ask AWS (ValidateStateMachineDefinition, with each machine's type), when credentials are found
  --config  a JSON file that sets the profile and turns rules off or gives them another severity:
            {"profile": "aws", "rules": {"choice-no-default": "off", "retry-schedule-long": "error"}};
            without --config, ${DEFAULT_CONFIG_FILE} in the working directory when there is one
Exit 0 when nothing fails, 1 when something does, 2 on a bad argument.`;

function choice<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw new CliError(`validate: --${name} takes ${allowed.join(' or ')}, got ${value}`);
  return value as T;
}

/** sluice validate: every definition of the files (or sluice's own workflows) through the profile's checks; a file that cannot be read is that file's finding, and the run goes on. */
export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('validate', argv, {
    profile: { type: 'string' },
    type: { type: 'string' },
    format: { type: 'string', default: 'text' },
    'deny-warnings': { type: 'boolean', default: false },
    aws: { type: 'boolean', default: false },
    config: { type: 'string' },
    help: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const format = choice<Format>('format', values.format, ['text', 'json', 'github', 'sarif']);
  const type = values.type === undefined ? undefined : (choice('type', values.type.toLowerCase(), ['standard', 'express'] as const).toUpperCase() as MachineType);
  const loaded = await loadValidateConfig(values.config).catch((error: Error) => {
    throw new CliError(`validate: ${error.message}`);
  });
  const profile = choice<Profile>('profile', values.profile ?? loaded?.config.profile ?? (positionals.length > 0 ? 'aws' : 'sluice'), ['aws', 'sluice']);
  let unreported = 0;

  const reported: Reported[] = [];
  const sources: Definition[] = [];
  if (positionals.length === 0) {
    for (const [name, definition] of Object.entries(workflows)) {
      const text = renderAsl(definition);
      sources.push({ file: `${name}.asl.json`, text, definition: JSON.parse(text) as Record<string, unknown>, type: 'EXPRESS' });
    }
  }
  for (const file of positionals) {
    try {
      const { definitions, unchecked } = await definitionsIn(file, type);
      sources.push(...definitions);
      // a warning, not a pass in silence: CI pointed at a template whose machines it cannot see proves nothing
      reported.push(...unchecked.map((u) => ({ file: u.file, machine: u.name, line: 1, rule: 'unreadable' as const, severity: 'warning' as const, state: '(file)', message: u.message })));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      reported.push({ file, line: 1, rule: 'unreadable', severity: 'error', state: '(file)', message: code ? `cannot read: ${code}` : `not a definition: ${(error as Error).message}` });
    }
  }
  const assumed = sources.filter((source) => source.typeAssumed).length;
  if (assumed > 0) {
    process.stderr.write(`sluice: validate: ${assumed === 1 ? 'one ASL file was' : `${assumed} ASL files were`} checked as STANDARD, as AWS creates a machine that names no type: give --type express for Express machines (their 5-minute limit, their integrations)\n`);
  }
  const aws = values.aws ? await awsValidator() : undefined;
  if (typeof aws === 'string') process.stderr.write(`sluice: validate --aws: ${aws}: AWS's own check was not asked; the local checks ran\n`);
  for (const source of sources) {
    const found = check(source, profile);
    if (typeof aws === 'function') {
      found.push(
        ...(await awsFindings(source, aws).catch((error: Error): Finding[] => [{ rule: 'aws-unavailable', severity: 'warning', state: '(definition)', message: `AWS's ValidateStateMachineDefinition failed: ${error.name}: ${error.message}` }])),
      );
    }
    const findings = configured(found, loaded?.config.rules);
    unreported += found.length - findings.length;
    reported.push(...findings.map((f) => ({ ...f, file: source.file, ...(source.name ? { machine: source.name } : {}), line: lineOf(source, f.state) })));
    if (format === 'text' && findings.every((f) => f.severity !== 'error')) {
      const worst = source.type === 'EXPRESS' ? worstCase(source.definition) : undefined;
      const duration = worst && !('unbounded' in worst) ? `, worst case ${formatSeconds(worst.seconds)}: ${shortPath(worst.path)}` : '';
      process.stderr.write(`${source.file}${source.name ? ` (${source.name})` : ''}: valid (${profile} profile, ${source.type}${duration})\n`);
    }
  }
  const off = Object.entries(loaded?.config.rules ?? {}).filter(([, setting]) => setting === 'off').map(([rule]) => rule);
  if (format === 'text' && off.length > 0) {
    process.stderr.write(`${loaded!.file}: ${off.length} rule${off.length === 1 ? '' : 's'} turned off (${off.join(', ')}): ${unreported} finding${unreported === 1 ? '' : 's'} not reported\n`);
  }
  for (const line of render(reported, format)) console.log(line);
  const failing = reported.filter((r) => r.severity === 'error' || values['deny-warnings']);
  return failing.length === 0 ? 0 : 1;
}
