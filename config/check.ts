import { firehoseSettings, LIMIT_DEFAULTS, SluiceConfig, STATE_PAYLOAD_BYTES } from '../contracts/config.ts';
import { ContractError, decodeOrThrow } from '../contracts/decode.ts';
import { expiringBuckets, triggerLoops } from './storage-checks.ts';

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
    // a kinesis pipeline's decode is invoked through an alias of the function named after it (tasks/decode/trigger.ts);
    // every name goes into resource names and into the definitions' substitutions (a quote broke the ASL's JSON)
    if (!/^(?!\d+$)[A-Za-z0-9_-]{1,128}$/.test(name)) {
      problems.push(`pipelines[${JSON.stringify(name)}]: a pipeline's name goes into resource names (state machines, log groups, a Lambda alias): letters, digits, - and _, at most 128, not only digits`);
    }
    const responseSinks = pipeline.sinks.filter((sink) => sink.type === 'firehose-response').length;
    if (pipeline.workflow === 'firehose') {
      try {
        firehoseSettings(name, pipeline);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (responseSinks > 0 && pipeline.firehoseMode !== 'transform') {
      problems.push(`${at}.sinks: a firehose-response sink needs workflow "firehose" with firehoseMode "transform"`);
    }
    if (pipeline.firehoseMode === 'transform' && responseSinks !== 1) {
      problems.push(`${at}.sinks: firehoseMode "transform" needs exactly one firehose-response sink`);
    }
    // the response is the delivery: a record another sink refused would be backed up and answered without its
    // data, and a redrive of it (whose response goes nowhere) would never hand it to Firehose
    if (pipeline.firehoseMode === 'transform' && pipeline.sinks.length > responseSinks) {
      problems.push(`${at}.sinks: firehoseMode "transform" delivers through Firehose only: a second sink (${pipeline.sinks.filter((sink) => sink.type !== 'firehose-response').map((sink) => sink.type).join(', ')}) belongs to a pipeline of its own, or to metadata mode`);
    }
    if (pipeline.pipe && pipeline.workflow !== 'kinesis') problems.push(`${at}.pipe: only the kinesis workflow is fed by a Pipe`);
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
  problems.push(...expiringBuckets(config), ...triggerLoops(config));
  if (config.limits.claimCheckBytes > 250_000) {
    problems.push(`limits.claimCheckBytes: ${config.limits.claimCheckBytes} leaves no room under the ${STATE_PAYLOAD_BYTES.toLocaleString('en-US')}-byte state limit`);
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
