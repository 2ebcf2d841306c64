import { AssetHashType, Duration, RemovalPolicy, type ILocalBundling } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { buildSync, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { SluiceConfig } from '../../contracts/config.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * How every sluice Lambda is bundled: by the local esbuild (never Docker), minified, the AWS SDK left to the
 * runtime. ES modules with code splitting, so that what a task loads with `await import()` only when it needs
 * it (a sink's library, the Parquet writer) is a chunk of its own, read at the first use rather than at a
 * cold start: the entry chunk and what it imports statically is what initialisation pays for; the whole
 * directory is what is uploaded. (NodejsFunction cannot split: it passes esbuild an outfile, splitting
 * needs an outdir.)
 */
export function bundle(entry: string, config: SluiceConfig): lambda.Code {
  return lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // required by the type, never used: local bundling always answers
      image: lambda.Runtime.NODEJS_24_X.bundlingImage,
      local: new LocalEsbuild({
        entryPoints: { index: `${PROJECT_ROOT}${entry}` },
        outExtension: { '.js': '.mjs' },
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        target: 'node24',
        mainFields: ['module', 'main'],
        minify: true,
        external: ['@aws-sdk/*'],
        // CommonJS dependencies bundled into ES modules still call require() for Node's built-ins
        banner: { js: "import{createRequire as __sluiceRequire}from'node:module';const require=__sluiceRequire(import.meta.url);" },
        // the configuration is compiled into the bundle (Lambda environments hold 4 KB); names come from env
        define: { __SLUICE_CONFIG__: JSON.stringify(JSON.stringify(config)) },
        logLevel: 'error',
      }),
    },
  });
}

/** esbuild in this process. Its options are a field: CDK's asset cache keys bundles on the bundling object's fields. */
class LocalEsbuild implements ILocalBundling {
  constructor(readonly options: BuildOptions) {}

  tryBundle(outputDir: string): boolean {
    buildSync({ ...this.options, outdir: outputDir });
    return true;
  }
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
  readonly function: lambda.Function;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: TaskFunctionProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(this.role);
    this.function = new lambda.Function(this, 'Function', {
      code: bundle(props.entry, props.config),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 1024,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    });
  }
}
