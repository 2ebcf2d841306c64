import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as t from 'io-ts';
import { LIMIT_DEFAULTS, SluiceConfig } from '../contracts/config.ts';
import { BUCKET_ENV, DeploymentEnv } from '../contracts/deployment.ts';
import { ContractError, decodeOrThrow } from '../contracts/decode.ts';
import { defaultConfig } from './default.ts';

/** Rules io-ts cannot express: cross-references between pipelines, schemas and sinks. */
function crossCheck(config: SluiceConfig): string[] {
  const problems: string[] = [];
  for (const [name, pipeline] of Object.entries(config.pipelines)) {
    const at = `pipelines.${name}`;
    const { validation } = pipeline;
    for (const [type, schema] of Object.entries(validation?.types ?? {})) {
      if (!(schema in config.schemas)) problems.push(`${at}.validation.types.${type}: no schema named "${schema}"`);
    }
    if (validation?.fallback !== undefined && !(validation.fallback in config.schemas)) {
      problems.push(`${at}.validation.fallback: no schema named "${validation.fallback}"`);
    }
    if (validation?.types && !validation.typeField) problems.push(`${at}.validation: types need a typeField`);
    if (pipeline.sinks.length === 0) problems.push(`${at}.sinks: at least one sink is needed`);
    const responseSinks = pipeline.sinks.filter((sink) => sink.type === 'firehose-response').length;
    if (pipeline.workflow === 'firehose' && !pipeline.firehoseMode) {
      problems.push(`${at}.firehoseMode: the firehose workflow needs "transform" or "metadata"`);
    }
    if (responseSinks > 0 && pipeline.firehoseMode !== 'transform') {
      problems.push(`${at}.sinks: a firehose-response sink needs workflow "firehose" with firehoseMode "transform"`);
    }
    if (pipeline.firehoseMode === 'transform' && responseSinks !== 1) {
      problems.push(`${at}.sinks: firehoseMode "transform" needs exactly one firehose-response sink`);
    }
    if (pipeline.workflow === 's3' && !pipeline.trigger) problems.push(`${at}.trigger: the s3 workflow needs a trigger`);
    pipeline.sinks.forEach((sink, i) => {
      if (sink.type !== 's3-lake') return;
      if (sink.format === 'parquet' && !sink.columns) problems.push(`${at}.sinks.${i}: a parquet lake needs its columns declared`);
      if (sink.format === 'parquet' && sink.gzip) problems.push(`${at}.sinks.${i}: parquet is compressed with Snappy inside: drop gzip`);
      if (sink.format !== 'parquet' && sink.columns) problems.push(`${at}.sinks.${i}: columns go with format "parquet"`);
    });
    const names = pipeline.sinks.map((sink) => sink.name ?? sink.type);
    const twice = names.filter((sinkName, i) => names.indexOf(sinkName) !== i);
    if (twice.length > 0) problems.push(`${at}.sinks: sink names must be unique (give each a "name"): ${twice.join(', ')}`);
  }
  if (config.limits.claimCheckBytes > 250_000) {
    problems.push(`limits.claimCheckBytes: ${config.limits.claimCheckBytes} leaves no room under the 262,144-byte state limit`);
  }
  return problems;
}

/** Limits a configuration leaves out take their defaults, here and nowhere else. */
function withLimitDefaults(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const limits = (raw as { limits?: unknown }).limits;
  if (limits !== undefined && (typeof limits !== 'object' || limits === null || Array.isArray(limits))) return raw;
  return { ...raw, limits: { ...LIMIT_DEFAULTS, ...(limits as object | undefined) } };
}

/** Decodes and cross-checks a configuration; throws a ContractError that names every problem. */
export function checkConfig(raw: unknown, where: string): SluiceConfig {
  const config = decodeOrThrow(SluiceConfig, withLimitDefaults(raw), where);
  const problems = crossCheck(config);
  if (problems.length > 0) throw new ContractError(where, problems);
  return config;
}

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

/** Reads a configuration file: JSON, or a module whose default export is the configuration. */
export async function loadConfigFile(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<SluiceConfig> {
  if (!file) return withEndpoints(checkConfig(defaultConfig, 'default configuration'), env);
  const path = resolve(file);
  let raw: unknown;
  if (extname(path) === '.json') {
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new ContractError(file, [(error as Error).message]);
    }
  } else {
    const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
    raw = module.default;
  }
  return withEndpoints(checkConfig(raw, file), env);
}
