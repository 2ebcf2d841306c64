import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import type { SluiceConfig } from '../../contracts/config.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How every sluice Lambda is bundled: by the local esbuild (never Docker), minified, the AWS SDK left to the runtime. */
export function bundling(config: SluiceConfig) {
  return {
    minify: true,
    sourceMap: false,
    target: 'node24',
    format: OutputFormat.CJS,
    externalModules: ['@aws-sdk/*'],
    forceDockerBundling: false,
    // the configuration is compiled into the bundle (Lambda environments hold 4 KB); names come from env
    define: { __SLUICE_CONFIG__: JSON.stringify(JSON.stringify(config)) },
  };
}

export interface TaskFunctionProps {
  /** Path of the handler from the project root, e.g. tasks/decode/handler.ts. */
  entry: string;
  config: SluiceConfig;
  environment: Record<string, string>;
  description: string;
  /** The function's timeout: a task's is its Task state's TimeoutSeconds, so no attempt outlives its state. */
  timeoutSeconds: number;
}

/** One Lambda with its own role and log group: no managed policies, logs writable only to its group. */
export class TaskFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TaskFunctionProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: `${PROJECT_ROOT}${props.entry}`,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: `${PROJECT_ROOT}package-lock.json`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: bundling(props.config),
    });
  }
}
