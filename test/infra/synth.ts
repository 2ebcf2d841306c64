import { Template } from 'aws-cdk-lib/assertions';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../config/default.ts';
import type { SluiceConfig } from '../../contracts/config.ts';
import { buildApp } from '../../infra/build-app.ts';
import type { SluiceStack } from '../../infra/sluice-stack.ts';

export interface Synthesized {
  stack: SluiceStack;
  template: Template;
  json: Record<string, any>;
  outdir: string;
  resources: (type: string) => [string, any][];
  /** Removes the cloud assembly (bundles included) from the temporary folder. */
  remove: () => void;
}

/** Synthesizes the app (bundling every Lambda with esbuild, running cdk-nag) into a temporary folder. */
export function synth(config: SluiceConfig = defaultConfig, change?: (stack: SluiceStack) => void, nag = true, stackName?: string): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'sluice-cdk-'));
  const { stack } = buildApp(config, { outdir, nag, stackName });
  change?.(stack);
  let template: Template;
  try {
    template = Template.fromStack(stack);
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
  const json = template.toJSON() as Record<string, any>;
  return {
    stack,
    template,
    json,
    outdir,
    resources: (type) => Object.entries(json.Resources as Record<string, any>).filter(([, r]) => r.Type === type),
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

/** Every IAM statement of the template, with the policy it belongs to. */
export function statements(json: Record<string, any>): { where: string; statement: any }[] {
  const found: { where: string; statement: any }[] = [];
  for (const [id, resource] of Object.entries(json.Resources as Record<string, any>)) {
    const documents =
      resource.Type === 'AWS::IAM::Policy'
        ? [resource.Properties.PolicyDocument]
        : resource.Type === 'AWS::IAM::Role'
          ? (resource.Properties.Policies ?? []).map((p: any) => p.PolicyDocument)
          : [];
    for (const document of documents) for (const statement of document.Statement) found.push({ where: id, statement });
  }
  return found;
}
