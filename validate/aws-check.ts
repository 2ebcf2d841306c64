import { SFNClient, ValidateStateMachineDefinitionCommand, type ValidateStateMachineDefinitionOutput } from '@aws-sdk/client-sfn';
import type { Definition, Finding } from './finding.ts';
import { resolvePlaceholders } from './placeholders.ts';

export type ValidateSend = (command: ValidateStateMachineDefinitionCommand) => Promise<ValidateStateMachineDefinitionOutput>;

/** What AWS's own ValidateStateMachineDefinition says of a definition (placeholders resolved, with its type), as findings. */
export async function awsFindings(source: Definition, send: ValidateSend): Promise<Finding[]> {
  const output = await send(new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(resolvePlaceholders(source.definition)), type: source.type, severity: 'WARNING' }));
  return (output.diagnostics ?? []).map((diagnostic) => ({
    rule: `aws:${diagnostic.code ?? 'diagnostic'}`,
    severity: diagnostic.severity === 'ERROR' ? 'error' : 'warning',
    state: /\/States\/([^/]+)/.exec(diagnostic.location ?? '')?.[1] ?? '(definition)',
    message: `AWS: ${diagnostic.message ?? diagnostic.code}`,
  }));
}

/**
 * An SFN client's send when a region and credentials can be found; otherwise the reason, said plainly
 * (the local checks still run).
 */
export async function awsValidator(): Promise<ValidateSend | string> {
  const client = new SFNClient({});
  try {
    await client.config.region();
  } catch {
    return 'no AWS region (set AWS_REGION or give your profile one)';
  }
  try {
    await client.config.credentials();
  } catch (error) {
    return `no AWS credentials (${(error as Error).message.split('\n')[0]})`;
  }
  return (command) => client.send(command);
}
