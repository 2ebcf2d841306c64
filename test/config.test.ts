import { describe, expect, it } from 'vitest';
import { checkConfig } from '../config/check.ts';
import { withEndpoints } from '../config/from-env.ts';
import { defaultConfig } from '../config/default.ts';
import { firehoseSettings, httpEndpointRetrySeconds, LIMIT_DEFAULTS } from '../contracts/config.ts';
import { ContractError } from '../contracts/decode.ts';
import { pipeSettings } from '../contracts/pipe-settings.ts';

const broken = (change: (config: any) => void) => {
  const config = structuredClone(defaultConfig) as any;
  change(config);
  try {
    checkConfig(config, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ContractError);
    return (error as ContractError).problems;
  }
  throw new Error('the configuration was accepted');
};

describe('configuration', () => {
  it('accepts the default configuration', () => {
    expect(checkConfig(defaultConfig, 'default')).toStrictEqual(defaultConfig);
  });

  it('fills Firehose buffering defaults in one place and keeps what a pipeline sets', () => {
    const pipeline = defaultConfig.pipelines['s1-api-to-newrelic']!;
    expect(firehoseSettings('s1', { ...pipeline, buffering: undefined })).toStrictEqual({ mode: 'transform', sizeMb: 1, intervalSeconds: 60 });
    expect(firehoseSettings('s1', { ...pipeline, buffering: { sizeMb: 3 } })).toStrictEqual({ mode: 'transform', sizeMb: 3, intervalSeconds: 60 });
    expect(() => firehoseSettings('s1', { ...pipeline, firehoseMode: undefined })).toThrow('pipelines.s1.firehoseMode');
  });

  it('rejects unknown fields and wrong types with their paths', () => {
    // once, as the S3 lake's: not once per sink type (issue 11)
    expect(broken((c) => (c.pipelines['s2-telemetry-to-lake'].sinks[0].gzipp = true))).toStrictEqual([
      'pipelines.s2-telemetry-to-lake.sinks.0.gzipp: unknown field (known: type, prefix, name, bucket, format, gzip, columns), got true',
    ]);
    expect(broken((c) => (c.pipelines['s2-telemetry-to-lake'].sinks[0].type = 's3lake'))).toStrictEqual([
      'pipelines.s2-telemetry-to-lake.sinks.0.type: expected type "s3-lake" | "opensearch" | "dynamodb" | "firehose-response", got "s3lake"',
    ]);
    expect(broken((c) => (c.limits.chunkBytes = -1))).toContainEqual(expect.stringMatching(/^limits\.chunkBytes: expected PositiveInteger, got -1$/));
    // a depth of 0.5 quarantined every record; a negative retry duration is none
    expect(broken((c) => (c.limits.maxDepth = 0.5))).toContainEqual(expect.stringMatching(/^limits\.maxDepth: expected PositiveInteger, got 0\.5$/));
    expect(broken((c) => (c.limits.retryBaseSeconds = -1))).toContainEqual(expect.stringMatching(/^limits\.retryBaseSeconds: expected Seconds \(0 or more\), got -1$/));
    // Firehose's processor buffering, within what AWS takes (a deploy would refuse 64 MB / 3600 s)
    expect(broken((c) => (c.pipelines['s1-api-to-newrelic'].buffering = { sizeMb: 64, intervalSeconds: 3600 }))).toStrictEqual([
      expect.stringMatching(/^pipelines\.s1-api-to-newrelic\.buffering\.sizeMb: expected BufferSizeInMBs \(from 0\.2 to 3\), got 64$/),
      expect.stringMatching(/^pipelines\.s1-api-to-newrelic\.buffering\.intervalSeconds: expected BufferIntervalInSeconds \(from 0 to 900\), got 3600$/),
    ]);
    expect(broken((c) => (c.pipelines.x = { workflow: 'kafka', description: 'd', sinks: [] }))).toContainEqual(expect.stringContaining('pipelines.x.workflow'));
  });

  it('rejects references that do not resolve and combinations that cannot work', () => {
    expect(broken((c) => (c.pipelines['s2-telemetry-to-lake'].validation.fallback = 'nope'))).toStrictEqual([
      'pipelines.s2-telemetry-to-lake.validation.fallback: no schema named "nope"',
    ]);
    expect(broken((c) => delete c.pipelines['s1-api-to-newrelic'].firehoseMode)).toContainEqual(expect.stringContaining('firehoseMode'));
    // a record the lake refused would be answered Ok without its data, and its redrive would never reach Firehose
    expect(broken((c) => c.pipelines['s1-api-to-newrelic'].sinks.push({ type: 's3-lake', prefix: 'nr-copy' }))).toStrictEqual([
      'pipelines.s1-api-to-newrelic.sinks: firehoseMode "transform" delivers through Firehose only: a second sink (s3-lake) belongs to a pipeline of its own, or to metadata mode',
    ]);
    expect(broken((c) => delete c.pipelines['s4-events-processed'].trigger)).toStrictEqual(['pipelines.s4-events-processed.trigger: the s3 workflow needs a trigger']);
    expect(broken((c) => (c.limits.claimCheckBytes = 300_000))).toContainEqual(expect.stringContaining('262,144'));
    expect(broken((c) => delete c.pipelines['s2-telemetry-to-lake'].sinks[0].columns)).toStrictEqual([
      'pipelines.s2-telemetry-to-lake.sinks.0: a parquet lake needs its columns declared',
    ]);
  });

  it('refuses a lake, raw bucket or trigger in the work or backup bucket, whose expiry would take what they hold (4 lake objects went in a test)', () => {
    expect(broken((c) => (c.buckets.lake = c.buckets.work))).toStrictEqual(['buckets.lake: "sluice-work" is the work bucket, whose objects go after a day: what it holds would go with them']);
    expect(broken((c) => (c.pipelines['s4-events-raw'].sinks[0].bucket = 'sluice-backup'))).toContainEqual(
      'pipelines.s4-events-raw.sinks.0.bucket: "sluice-backup" is the backup bucket, whose objects go after retention.backupDays: what it holds would go with them',
    );
    expect(broken((c) => (c.buckets.backup = c.buckets.work))).toContainEqual(expect.stringMatching(/^buckets\.backup: "sluice-work" is the work bucket too/));
  });

  it('refuses pipelines whose lake objects start their own trigger, directly or through others (one event made 1,143 records in 30 s)', () => {
    // S4's chain (raw -> processed) is not a loop: the processed lake is elsewhere
    expect(broken((c) => (c.pipelines['s4-events-processed'].sinks[0] = { type: 's3-lake', bucket: 'sluice-raw', prefix: 'events/again' }))).toStrictEqual([
      "pipelines: s4-events-processed -> s4-events-processed: each writes lake objects where the next one's trigger listens, a loop that never ends (write the lake under another prefix or bucket, or narrow the trigger)",
    ]);
    const loop = broken((c) => {
      c.pipelines.back = { workflow: 's3', description: 'd', trigger: { bucket: 'sluice-lake', prefix: 'processed/' }, sinks: [{ type: 's3-lake', bucket: 'sluice-raw', prefix: 'events' }] };
    });
    expect(loop).toStrictEqual([expect.stringMatching(/^pipelines: (s4-events-processed -> back -> s4-events-processed|back -> s4-events-processed -> back): /)]);
    // a lake without a prefix writes event_type=…/… at the bucket's top
    expect(broken((c) => {
      c.pipelines['s4-events-processed'].sinks[0] = { type: 's3-lake', bucket: 'sluice-raw', prefix: '' };
      c.pipelines['s4-events-processed'].trigger.prefix = 'event_type=';
    })).toStrictEqual([expect.stringMatching(/^pipelines: s4-events-processed -> s4-events-processed: /)]);
    // a suffix the lake's objects do not end with starts nothing
    const parquetOnly = structuredClone(defaultConfig) as any;
    parquetOnly.pipelines['s4-events-processed'].trigger.suffix = '.parquet';
    parquetOnly.pipelines['s4-events-processed'].sinks[0] = { type: 's3-lake', bucket: 'sluice-raw', prefix: 'events/again' };
    expect(() => checkConfig(parquetOnly, 'test.json')).not.toThrow();
  });

  it("takes a kinesis pipeline's Pipe batching within AWS's ranges, defaults filled in one place", () => {
    const pipeline = defaultConfig.pipelines['s2-telemetry-to-lake']!;
    expect(pipeSettings(pipeline)).toMatchObject({ batchSize: 100, maximumBatchingWindowInSeconds: 5 });
    expect(pipeSettings({ ...pipeline, pipe: { batchSize: 400 } })).toMatchObject({ batchSize: 400, maximumBatchingWindowInSeconds: 5 });
    expect(broken((c) => (c.pipelines['s2-telemetry-to-lake'].pipe = { batchSize: 20_000 }))).toStrictEqual([
      'pipelines.s2-telemetry-to-lake.pipe.batchSize: expected BatchSize (an integer from 1 to 10000), got 20000',
    ]);
    expect(broken((c) => (c.pipelines['s2-telemetry-to-lake'].pipe = { batchingWindowSeconds: 1.5 }))).toContainEqual(expect.stringContaining('pipe.batchingWindowSeconds'));
    expect(broken((c) => (c.pipelines['s2-telemetry-to-lake'].pipe = { parallelizationFactor: 11 }))).toContainEqual(expect.stringContaining('ParallelizationFactor (an integer from 1 to 10)'));
    expect(broken((c) => (c.pipelines['s1-api-to-newrelic'].pipe = { batchSize: 10 }))).toStrictEqual(['pipelines.s1-api-to-newrelic.pipe: only the kinesis workflow is fed by a Pipe']);
  });

  it("refuses a pipeline name that cannot go into resource names: a kinesis pipeline's is an alias of the decode function (what names its pipeline to it), an s3 one's broke its definition's JSON", () => {
    const renamed = (name: string, from = 's2-telemetry-to-lake') => (c: any) => {
      c.pipelines[name] = c.pipelines[from];
      delete c.pipelines[from];
    };
    const problem = (name: string) => `pipelines[${JSON.stringify(name)}]: a pipeline's name goes into resource names (state machines, log groups, a Lambda alias): letters, digits, - and _, at most 128, not only digits`;
    expect(broken(renamed('telemetry lake'))).toContainEqual(problem('telemetry lake'));
    expect(broken(renamed('2026'))).toContainEqual(problem('2026'));
    expect(broken(renamed('x'.repeat(129)))).toContainEqual(problem('x'.repeat(129)));
    expect(broken(renamed('my "quoted" pipeline', 's4-events-processed'))).toContainEqual(problem('my "quoted" pipeline'));
    expect(broken(renamed('ops→uni', 's1-api-to-newrelic'))).toContainEqual(problem('ops→uni'));
    const fine = structuredClone(defaultConfig) as any;
    renamed('telemetry_lake-2')(fine);
    expect(() => checkConfig(fine, 'test.json')).not.toThrow();
  });

  it('takes the OpenSearch endpoint from the environment when the file has none', () => {
    const config = withEndpoints(defaultConfig, { SLUICE_OPENSEARCH_ENDPOINT: 'http://search:9200' });
    expect(config.pipelines['s0-logs-to-opensearch']!.sinks[0]).toMatchObject({ type: 'opensearch', endpoint: 'http://search:9200' });
    expect(defaultConfig.pipelines['s0-logs-to-opensearch']!.sinks[0]).not.toHaveProperty('endpoint');
  });
});

describe('deployed names', () => {
  it('follow the deployment: buckets, sinks and triggers naming them, the table, the OpenSearch secret', async () => {
    const { withDeployment } = await import('../config/from-env.ts');
    const config = withDeployment(defaultConfig, {
      SLUICE_BUCKET_RAW: 'stack-raw-123',
      SLUICE_BUCKET_LAKE: 'stack-lake-123',
      SLUICE_LEDGER_TABLE: 'stack-ledger',
      SLUICE_OPENSEARCH_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:os',
      SLUICE_SINK_TABLES: JSON.stringify({ 'sluice-events': 'Sluice-SinkTablesEvents-1A2B' }),
    });
    expect(config.pipelines['s3-events-to-archive']!.sinks[0]).toStrictEqual({ type: 'dynamodb', table: 'Sluice-SinkTablesEvents-1A2B' });
    expect(config.buckets).toStrictEqual({ raw: 'stack-raw-123', lake: 'stack-lake-123', backup: 'sluice-backup', work: 'sluice-work' });
    expect(config.ledgerTable).toBe('stack-ledger');
    expect(config.pipelines['s4-events-raw']!.sinks[0]).toMatchObject({ bucket: 'stack-raw-123' });
    expect(config.pipelines['s4-events-processed']!.trigger!.bucket).toBe('stack-raw-123');
    expect(config.pipelines['s0-logs-to-opensearch']!.sinks[0]).toMatchObject({ endpointSecretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:os' });
  });
});

describe('httpEndpointRetrySeconds', () => {
  it("is the pipeline's retry duration (else the limits'), in whole seconds and within the 7,200 s Firehose takes", () => {
    const pipeline = structuredClone(defaultConfig.pipelines['s1-api-to-newrelic']!);
    expect(httpEndpointRetrySeconds(pipeline, LIMIT_DEFAULTS)).toBe(LIMIT_DEFAULTS.retryDurationSeconds);
    expect(httpEndpointRetrySeconds({ ...pipeline, retryDurationSeconds: 90.5 }, LIMIT_DEFAULTS)).toBe(90);
    expect(httpEndpointRetrySeconds({ ...pipeline, retryDurationSeconds: 86_400 }, LIMIT_DEFAULTS)).toBe(7_200);
    expect(httpEndpointRetrySeconds({ ...pipeline, retryDurationSeconds: 0 }, LIMIT_DEFAULTS)).toBe(0);
  });
});
