import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { SluiceConfig } from '../contracts/config.ts';
import { SluiceStack } from './sluice-stack.ts';

/** The app with sluice's stack and cdk-nag's AwsSolutions pack: a finding not acknowledged fails synthesis. */
export function buildApp(config: SluiceConfig, options: { outdir?: string; stackName?: string; nag?: boolean } = {}) {
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const stack = new SluiceStack(app, options.stackName ?? 'Sluice', {
    config,
    description: 'sluice: Step Functions Express workflows that ingest Kinesis, S3 and Firehose without losing a record',
  });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
}
