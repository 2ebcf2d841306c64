import * as t from 'io-ts';
import type { SluiceConfig } from '../contracts/config.ts';
import { BUCKET_ENV, DeploymentEnv } from '../contracts/deployment.ts';
import { ContractError, decodeOrThrow } from '../contracts/decode.ts';
import { checkConfig } from './check.ts';
import { defaultConfig } from './default.ts';

/** The deployed sink tables, decoded where they enter: a malformed value names the variable. */
function sinkTablesOf(env: NodeJS.ProcessEnv): Record<string, string> {
  const text = env[DeploymentEnv.sinkTables];
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ContractError(DeploymentEnv.sinkTables, [(error as Error).message]);
  }
  return decodeOrThrow(t.record(t.string, t.string), value, DeploymentEnv.sinkTables);
}

/** Fills endpoints that deployments keep out of the configuration file. */
export function withEndpoints(config: SluiceConfig, env: NodeJS.ProcessEnv): SluiceConfig {
  const endpoint = env.SLUICE_OPENSEARCH_ENDPOINT;
  if (!endpoint) return config;
  const pipelines = Object.fromEntries(
    Object.entries(config.pipelines).map(([name, pipeline]) => [
      name,
      {
        ...pipeline,
        sinks: pipeline.sinks.map((sink) => (sink.type === 'opensearch' && !sink.endpoint ? { ...sink, endpoint } : sink)),
      },
    ]),
  );
  return { ...config, pipelines };
}

/**
 * Deployed resource names replace the configuration's: the CDK app names buckets, the table and secrets,
 * and hands them to each function as SLUICE_BUCKET_RAW|LAKE|BACKUP|WORK, SLUICE_LEDGER_TABLE,
 * SLUICE_OPENSEARCH_SECRET_ARN and SLUICE_SINK_TABLES (configured table name -> deployed one, JSON).
 * A sink or trigger naming one of the configured buckets follows it.
 */
export function withDeployment(config: SluiceConfig, env: NodeJS.ProcessEnv): SluiceConfig {
  const deployed: Record<string, string | undefined> = Object.fromEntries(Object.entries(BUCKET_ENV).map(([role, name]) => [role, env[name]]));
  const rename = (bucket: string) => {
    const role = Object.entries(config.buckets).find(([, name]) => name === bucket)?.[0];
    return (role && deployed[role]) || bucket;
  };
  const secret = env[DeploymentEnv.openSearchSecretArn];
  const tables = sinkTablesOf(env);
  const pipelines = Object.fromEntries(
    Object.entries(config.pipelines).map(([name, pipeline]) => [
      name,
      {
        ...pipeline,
        ...(pipeline.trigger ? { trigger: { ...pipeline.trigger, bucket: rename(pipeline.trigger.bucket) } } : {}),
        sinks: pipeline.sinks.map((sink) => {
          if (sink.type === 's3-lake' && sink.bucket) return { ...sink, bucket: rename(sink.bucket) };
          if (sink.type === 'opensearch' && !sink.endpoint && secret) return { ...sink, endpointSecretArn: secret };
          if (sink.type === 'dynamodb' && tables[sink.table]) return { ...sink, table: tables[sink.table]! };
          return sink;
        }),
      },
    ]),
  );
  return {
    ...config,
    buckets: { raw: rename(config.buckets.raw), lake: rename(config.buckets.lake), backup: rename(config.buckets.backup), work: rename(config.buckets.work) },
    ledgerTable: env[DeploymentEnv.ledgerTable] ?? config.ledgerTable,
    pipelines,
  };
}

/** Set by the CDK app's bundler: the configuration the deployment was synthesized from. */
declare const __SLUICE_CONFIG__: string | undefined;

/** The configuration a Lambda runs with: the bundled one (or `SLUICE_CONFIG`, or the default), with deployed names. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): SluiceConfig {
  const bundled = typeof __SLUICE_CONFIG__ === 'string' ? __SLUICE_CONFIG__ : undefined;
  const text = env.SLUICE_CONFIG ?? bundled;
  const where = env.SLUICE_CONFIG ? 'SLUICE_CONFIG' : bundled ? 'bundled configuration' : 'default configuration';
  const config = checkConfig(text ? JSON.parse(text) : defaultConfig, where);
  return withEndpoints(withDeployment(config, env), env);
}
