import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventsBatch, s1Request } from '../../local/samples.ts';
import { renderAsl, workflows } from '../../workflows/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sluice = (...args: string[]) => {
  const run = spawnSync(process.execPath, ['bin/sluice.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });
  const lines = run.stdout.trim().split('\n');
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, last: lines[lines.length - 1] ?? '' };
};
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('sluice CLI', () => {
  it('asl writes one ASL file per workflow, and validate accepts them', () => {
    const out = join(dir, 'asl');
    expect(sluice('asl', '--out', out).code).toBe(0);
    const files = ['kinesis', 's3', 'firehose'].map((name) => join(out, `${name}.asl.json`));
    expect(JSON.parse(readFileSync(files[0]!, 'utf8')).StartAt).toBe('Decode records');
    const valid = sluice('validate', ...files);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toBe('');
    // sluice's own files are checked as the Express machines they are, without --type (STANDARD let a 10-minute Task pass)
    expect(valid.stderr).toContain(`${files[0]}: valid (aws profile, EXPRESS, worst case`);
    const definition = JSON.parse(readFileSync(files[0]!, 'utf8'));
    definition.States['Deliver to sinks'].TimeoutSeconds = 600;
    const slow = file('slow-kinesis.asl.json', definition);
    expect(sluice('validate', slow)).toMatchObject({ code: 1, stdout: expect.stringContaining('Deliver to sinks: TimeoutSeconds 600 is beyond what an Express execution may run') });
  });

  it("validate says when it took an ASL file that names no type for STANDARD, as AWS does", () => {
    const plain = file('plain.asl.json', { StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: 600, End: true } } });
    const standard = sluice('validate', plain);
    expect(standard).toMatchObject({ code: 0, stderr: expect.stringContaining('one ASL file was checked as STANDARD, as AWS creates a machine that names no type: give --type express') });
    expect(sluice('validate', '--type', 'express', plain)).toMatchObject({ code: 1, stdout: expect.stringContaining('Seconds 600 is beyond what an Express execution may run') });
  });

  it('validate exits 1 with file: state: message [rule] lines; the house rules only with --profile sluice', () => {
    const definition = JSON.parse(renderAsl(workflows.kinesis));
    definition.States['Validate records'].QueryLanguage = 'JSONata';
    delete definition.States['Enrich records'].Catch;
    const bad = file('bad.asl.json', definition);
    // for anyone's machine (aws profile, STANDARD) neither is a defect
    expect(sluice('validate', bad).code).toBe(0);
    const result = sluice('validate', '--profile', 'sluice', '--type', 'express', bad);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toStrictEqual([
      `${bad}: Validate records: JSONata is not supported: sluice workflows are JSONPath only [sluice-house]`,
      `${bad}: Enrich records: every Task needs a Catch (or an enclosing Map with one) so a failure backs up the input [sluice-house]`,
    ]);
  });

  it('validate goes on past a file it cannot read, points GitHub annotations at the line, and fails on warnings only when asked', () => {
    const choice = file('choice.asl.json', '{\n  "StartAt": "Pick",\n  "States": {\n    "Pick": { "Type": "Choice", "Choices": [{ "Variable": "$.x", "StringEquals": "a", "Next": "Done" }] },\n    "Done": { "Type": "Succeed" }\n  }\n}\n');
    const broken = file('broken.asl.json', '{');
    const result = sluice('validate', '--format', 'github', broken, choice);
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n')).toStrictEqual([
      expect.stringMatching(new RegExp(`^::error file=${broken},line=1,title=unreadable::\\(file\\): not a definition: `)),
      expect.stringMatching(new RegExp(`^::warning file=${choice},line=4,title=choice-no-default::Pick: no Default`)),
    ]);
    expect(sluice('validate', choice).code).toBe(0);
    expect(sluice('validate', '--deny-warnings', choice).code).toBe(1);
    expect(JSON.parse(sluice('validate', '--format', 'json', choice).stdout)).toMatchObject([{ rule: 'choice-no-default', severity: 'warning', state: 'Pick', line: 4 }]);
    const sarif = JSON.parse(sluice('validate', '--format', 'sarif', choice).stdout);
    expect(sarif).toMatchObject({ version: '2.1.0', runs: [{ tool: { driver: { rules: [{ id: 'choice-no-default' }] } }, results: [{ ruleId: 'choice-no-default', level: 'warning', locations: [{ physicalLocation: { artifactLocation: { uri: choice }, region: { startLine: 4 } } }] }] }] });
    expect(sluice('validate', '--help')).toMatchObject({ code: 0, stdout: expect.stringContaining('--profile aws') });
    expect(sluice('validate', '--format', 'xml', choice)).toMatchObject({ code: 2, stderr: expect.stringContaining('--format takes text or json or github or sarif, got xml') });
  });

  it('run kinesis ends with the JSON summary: counts, outputs, the Pipes reply', () => {
    const result = sluice('run', 'kinesis', '--pipeline', 's3-events-to-archive', '--event', file('batch.json', eventsBatch(4)));
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.last);
    expect(summary).toMatchObject({
      workflow: 'kinesis',
      status: 'SUCCEEDED',
      counts: { in: 7, delivered: 4, quarantined: 3, dropped: 0, backedUp: 0 },
      response: { batchItemFailures: [] },
    });
    expect(summary.outputs['s3-lake'][0]).toMatch(/^s3:\/\/sluice-lake\/archive\/event_type=/);
    expect(summary.outputs.backup).toHaveLength(2);
    expect(result.stderr).toContain('▸ Deliver to sinks');
  });

  it('run firehose answers every recordId', () => {
    const result = sluice('run', 'firehose', '--pipeline', 's1-api-to-newrelic', '--event', file('request.json', s1Request()));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.last).response.records.map((r: { result: string }) => r.result)).toStrictEqual(['Ok', 'Ok', 'ProcessingFailed', 'Ok', 'Ok']);
  });

  it('run s3 --object puts the file in the raw bucket and runs the s3 workflow on it', () => {
    const lines = ['{"event_type":"system_event","timestamp":"2026-11-23T09:00:00Z","payload":{"component":"api","level":"info"}}', 'not json {'];
    const result = sluice('run', 's3', '--object', file('events.jsonl', lines.join('\n')));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.last).counts).toStrictEqual({ in: 2, delivered: 1, quarantined: 1, dropped: 0, backedUp: 0 });
  });

  it('run exits 1 with the error when the input breaks the contract, and says where the input went', () => {
    const result = sluice('run', 'kinesis', '--pipeline', 's2-telemetry-to-lake', '--event', file('wrong.json', { records: [] }));
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.last);
    expect(summary).toMatchObject({ status: 'FAILED', error: 'Sluice.InvalidInput', counts: null });
    expect(summary.outputs.backup[0]).toMatch(/^s3:\/\/sluice-backup\/inputs\//);
  });

  it('fails fast, exit 2, on a bad argument, naming what is wrong', () => {
    expect(sluice('run', 'kinesis', '--event', file('x.json', [])).stderr).toMatch(/several pipelines run the kinesis workflow; choose one with --pipeline/);
    expect(sluice('run', 'kinesis', '--pipeline', 's2-telemetry-to-lake', '--event', join(dir, 'missing.json'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot read') });
    expect(sluice('run', 'kinesis', '--pipeline', 's2-telemetry-to-lake', '--event', file('broken.json', '{'))).toMatchObject({ code: 2, stderr: expect.stringContaining('is not JSON') });
    expect(sluice('run', 'kafka', '--event', 'x').stderr).toContain('name a workflow: kinesis, s3 or firehose (got kafka)');
    expect(sluice('run', 'kinesis', '--evnt', 'x')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--evnt'") });
    expect(sluice('frobnicate').code).toBe(2);
  });

  it('says what and where for every mistake, and never ends in a stack trace (issue 11)', () => {
    const aFile = file('not-a-folder', 'x');
    const cases: [string[], number, string][] = [
      [['cost', '--record-bytes', '-5'], 2, 'cost: --record-bytes takes a positive number (got -5)'],
      [['config', '--config', join(dir, 'absent.json')], 1, `cannot read the configuration ${join(dir, 'absent.json')}: no such file`],
      [['redrive', '--data-dir', join(dir, 'absent')], 2, `redrive: --data-dir ${join(dir, 'absent')} does not exist`],
      [['redrive', '--data-dir', aFile], 2, `redrive: --data-dir ${aFile} is a file, not a folder`],
      [['run', 'kinesis', '--pipeline', 's2-telemetry-to-lake', '--data-dir', aFile, '--event', file('z.json', [])], 2, `run: --data-dir ${aFile} is a file, not a folder`],
      // an empty value is no value: `--batch "$UNSET"` redrove every due batch, `--data-dir ""` kept nothing
      [['redrive', '--data-dir', dir, '--batch', ''], 2, 'redrive: --batch needs a value, got an empty one'],
      [['run', 'kinesis', '--pipeline', 's2-telemetry-to-lake', '--data-dir', '', '--event', file('z.json', [])], 2, 'run: --data-dir needs a value, got an empty one'],
      // checked before the run: a delivered batch and then exit 1 for the page
      [['run', 'kinesis', '--pipeline', 's2-telemetry-to-lake', '--inspect', join(dir, 'absent', 'x.html'), '--event', file('z.json', [])], 2, `run: --inspect ${join(dir, 'absent', 'x.html')}: its folder is missing`],
      // every request counted refused, then a bare "fetch failed" after a progress line with no end
      [['produce', '--pipeline', 's4-events-raw', '--rate', '10', '--duration', '1', '--url', 'http://127.0.0.1:9'], 1, 'produce: no ingest API answers at http://127.0.0.1:9 (bad port): start the stack with `sluice start`, or give --url'],
    ];
    for (const [args, code, message] of cases) {
      const result = sluice(...args);
      expect({ args, code: result.code, stderr: result.stderr.trim() }).toStrictEqual({ args, code, stderr: `sluice: ${message}${message.endsWith('does not exist') ? ` (a run with --data-dir ${args[2]} keeps its state there)` : ''}` });
    }
    expect(existsSync(join(dir, 'absent'))).toBe(false);
  });

  it('a data folder another sluice is using is refused in one line, not with a leveldb stack trace', () => {
    const busy = join(dir, 'busy');
    mkdirSync(busy);
    // this test's own process stands for the running sluice
    writeFileSync(join(busy, 'sluice.pid'), String(process.pid));
    for (const args of [['status', '--data-dir', busy], ['redrive', '--data-dir', busy], ['run', 'kinesis', '--pipeline', 's2-telemetry-to-lake', '--data-dir', busy, '--event', file('busy.json', [])]]) {
      const result = sluice(...args);
      expect([args[0], result.code, result.stderr.trim().split('\n').pop()]).toStrictEqual([args[0], 1, `sluice: ${busy} is in use by a running sluice (pid ${process.pid}): stop it, or give another --data-dir`]);
    }
  });

  it('redrive --aws without a region or credentials says which, in one line', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_EC2_METADATA_DISABLED: 'true' };
    delete env.AWS_REGION;
    delete env.AWS_DEFAULT_REGION;
    delete env.AWS_PROFILE;
    delete env.AWS_ACCESS_KEY_ID;
    const noRegion = spawnSync(process.execPath, ['bin/sluice.mjs', 'redrive', '--aws'], { encoding: 'utf8', env, timeout: 60_000 });
    expect([noRegion.status, noRegion.stderr.trim()]).toStrictEqual([1, 'sluice: redrive --aws: no AWS region: set AWS_REGION or give your AWS profile a region']);
    const noCredentials = spawnSync(process.execPath, ['bin/sluice.mjs', 'redrive', '--aws'], { encoding: 'utf8', env: { ...env, AWS_REGION: 'eu-west-1' }, timeout: 60_000 });
    expect(noCredentials.status).toBe(1);
    expect(noCredentials.stderr.trim()).toMatch(/^sluice: redrive --aws: no AWS credentials \(.+\): set AWS_PROFILE or AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY$/);
  });

  const olderNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => existsSync(path) && Number(spawnSync(path, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout) < 22);
  it.skipIf(!olderNode)('node bin/sluice.mjs on a Node older than 22 hands over to the pinned Node 22', () => {
    const result = spawnSync(olderNode!, ['bin/sluice.mjs', 'run', 'kinesis', '--pipeline', 's3-events-to-archive', '--event', file('old-node.json', eventsBatch(2))], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).not.toContain('withResolvers');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'SUCCEEDED', counts: { delivered: 2 } });
  });

  it.skipIf(!olderNode)('hands the Node flags it was given on to the pinned Node (a memory run\'s V8 flags reach the CLI)', () => {
    // a module preloaded by --require says which Node loaded it: the older one, then the pinned one
    const preload = join(dir, 'which-node.cjs');
    writeFileSync(preload, "process.stderr.write(`preloaded by node ${process.versions.node.split('.')[0]}\\n`);");
    const result = spawnSync(olderNode!, ['--require', preload, 'bin/sluice.mjs', '--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('preloaded by node 22');
  });

  it('runs every example input the README points to (examples/), each SUCCEEDED and balanced', () => {
    for (const name of readdirSync('examples', { withFileTypes: true }).filter((entry) => entry.isFile() && /\.(json|jsonl)$/.test(entry.name)).map((entry) => entry.name)) {
      const [pipeline, kind] = name.split('.') as [string, string];
      const args = kind === 'jsonl' ? ['run', 's3', '--pipeline', pipeline, '--object', join('examples', name)] : ['run', kind, '--pipeline', pipeline, '--event', join('examples', name)];
      const result = sluice(...args);
      const summary = JSON.parse(result.last);
      expect({ name, code: result.code, status: summary.status }).toStrictEqual({ name, code: 0, status: 'SUCCEEDED' });
      const { in: total, delivered, quarantined, dropped, backedUp } = summary.counts;
      expect(total).toBeGreaterThan(0);
      expect(total).toBe(delivered + quarantined + dropped + backedUp);
    }
  });

  it('--version is the package\'s; <command> --help prints that command\'s usage, exit 0', () => {
    expect(sluice('--version')).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n` });
    expect(JSON.parse(sluice('cost', '--json').stdout).pipelines.map((p: { pipeline: string }) => p.pipeline)).toStrictEqual(Object.keys(JSON.parse(sluice('config').stdout).pipelines));
    for (const command of ['run', 'redrive', 'start', 'produce', 'status', 'cost', 'config', 'asl', 'demo', 'test', 'inspect']) {
      const help = sluice(command, '--help');
      expect({ command, code: help.code, first: help.stdout.split('\n')[1] }).toStrictEqual({ command, code: 0, first: expect.stringMatching(new RegExp(`^  ${command}( |$)`)) });
    }
  });

  it('test runs pipeline fixtures: the shipped ones pass; a wrong expectation fails with expected against actual', () => {
    const shipped = sluice('test', 'examples/fixtures');
    expect(shipped.code).toBe(0);
    expect(shipped.last).toBe('fixtures: 3 passed, 0 failed');
    const wrong = JSON.parse(readFileSync('examples/fixtures/s3-events-to-archive.json', 'utf8'));
    wrong.inputFile = join(process.cwd(), 'examples/s3-events-to-archive.kinesis.json');
    wrong.expect.counts.delivered = 13;
    wrong.expect.quarantined = { 'invalid-gzip': 1 };
    const failed = sluice('test', file('wrong.fixture.json', wrong), file('typo.fixture.json', { pipeline: 's2-telemetry-to-lake', input: [], expect: { count: 1 } }));
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('      counts.delivered: expected 13, got 12\n      quarantined.schema-validation: expected 0, got 2');
    expect(failed.stdout).toMatch(/FAIL  .*typo\.fixture\.json\n      .* does not match its contract:\n      expect\.count: unknown field/);
    expect(failed.last).toBe('fixtures: 0 passed, 2 failed');
    const json = JSON.parse(sluice('test', '--json', 'examples/fixtures').last);
    expect(json).toMatchObject({ passed: 3, failed: 0 });
    expect(json.fixtures).toHaveLength(3);
  });

  it('config prints the default configuration, which reads back as a configuration file', () => {
    const printed = sluice('config');
    expect(printed.code).toBe(0);
    const path = file('mine.json', printed.stdout);
    const again = sluice('config', '--config', path);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toStrictEqual(JSON.parse(printed.stdout));
    const broken = JSON.parse(printed.stdout);
    broken.schemas.telemetry.properties.speed_kmh.type = 'velocity';
    const failed = sluice('config', '--config', file('broken-schema.json', broken));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('schemas.telemetry');
  });

  it('rejects a configuration with an unknown field, naming its path', () => {
    const config = file('config.json', { buckets: {}, ledgerTable: 't', limits: {}, schemas: {}, pipelines: {}, colour: 'blue' });
    const result = sluice('run', 'kinesis', '--config', config, '--event', file('y.json', []));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('colour: unknown field');
  });
});

describe('sluice redrive', () => {
  /** The CLI in a child process, not waited for in a blocking way: the OpenSearch double answers from this process meanwhile. */
  const spawned = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    new Promise<{ code: number | null; last: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['bin/sluice.mjs', ...args], { env });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('close', (code) => resolve({ code, last: out.trim().split('\n').pop() ?? '', stderr: err }));
    });

  it('finds what a previous run kept in --data-dir and re-runs it', async () => {
    const { OpenSearchDouble } = await import('../doubles/opensearch.ts');
    const { s0Request } = await import('../../local/samples.ts');
    const os = await new OpenSearchDouble().start();
    const data = join(dir, 'data');
    const run = (...args: string[]) => spawned({ ...process.env, SLUICE_OPENSEARCH_ENDPOINT: os.url }, ...args);
    try {
      os.failItems(() => true, 503, 1000);
      const first = await run('run', 'firehose', '--pipeline', 's0-logs-to-opensearch', '--data-dir', data, '--event', file('s0.json', s0Request(1, 3, 900)));
      expect(JSON.parse(first.last)).toMatchObject({ status: 'SUCCEEDED', counts: { backedUp: 3 } });
      // the run is kept in the folder for sluice inspect
      const kept = readFileSync(join(data, 'executions.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(kept).toMatchObject([{ pipeline: 's0-logs-to-opensearch', status: 'BACKED_UP' }]);
      const dry = await run('redrive', '--data-dir', data, '--dry-run');
      expect(JSON.parse(dry.last).pending).toHaveLength(1);
      os.heal();
      const second = await run('redrive', '--data-dir', data);
      expect(second.code).toBe(0);
      expect(JSON.parse(second.last).redriven).toMatchObject([{ before: 'BACKED_UP', execution: 'SUCCEEDED', after: 'SUCCEEDED' }]);
      expect(os.count('cwl')).toBe(3);
      const none = await run('redrive', '--data-dir', data);
      expect(JSON.parse(none.last)).toStrictEqual({ redriven: [], pending: [] });
      // a batch id that is not in the ledger is an error, not "nothing to do"
      const typo = await run('redrive', '--data-dir', data, '--batch', 'nope');
      expect([typo.code, typo.stderr.trim().split('\n').pop()]).toStrictEqual([1, 'sluice: redrive: no batch "nope" in the ledger sluice-ledger']);
      const settled = await run('redrive', '--data-dir', data, '--batch', JSON.parse(second.last).redriven[0].batchId);
      expect(settled.code).toBe(0);
      expect(settled.stderr).toMatch(/stands SUCCEEDED: nothing to redrive/);
      expect((await run('redrive')).stderr).toContain('give --data-dir DIR');
      expect((await run('redrive', '--data-dir', data, '--aws')).stderr).toContain('give --data-dir DIR');
    } finally {
      await os.stop();
    }
  });

  it('sluice run, no endpoint set: delivers to the OpenSearch stand-in of its folder, as start and redrive do (the sink was off, its records counted delivered)', async () => {
    const { s0Request } = await import('../../local/samples.ts');
    const data = join(dir, 'data-run-stand-in');
    const { SLUICE_OPENSEARCH_ENDPOINT: _, ...withoutEndpoint } = process.env;
    const run = spawnSync(process.execPath, ['bin/sluice.mjs', 'run', 'firehose', '--pipeline', 's0-logs-to-opensearch', '--data-dir', data, '--event', file('s0-run.json', s0Request(1, 3, 900))], { encoding: 'utf8', env: withoutEndpoint, timeout: 60_000 });
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ status: 'SUCCEEDED', counts: { delivered: 3 } });
    expect(run.stderr).toContain(`delivering to sluice's OpenSearch stand-in (${data}/opensearch.jsonl)`);
    expect(readFileSync(join(data, 'opensearch.jsonl'), 'utf8').trim().split('\n')).toHaveLength(3);
  });

  it('delivers to the OpenSearch stand-in of the folder when no endpoint is set, as `sluice start` does (the sink was off, and the batch counted delivered with nothing sent)', async () => {
    const { OpenSearchDouble } = await import('../doubles/opensearch.ts');
    const { s0Request } = await import('../../local/samples.ts');
    const os = await new OpenSearchDouble().start();
    const data = join(dir, 'data-stand-in');
    try {
      os.failItems(() => true, 503, 1000);
      const first = await spawned({ ...process.env, SLUICE_OPENSEARCH_ENDPOINT: os.url }, 'run', 'firehose', '--pipeline', 's0-logs-to-opensearch', '--data-dir', data, '--event', file('s0-stand-in.json', s0Request(1, 3, 900)));
      expect(JSON.parse(first.last)).toMatchObject({ status: 'SUCCEEDED', counts: { backedUp: 3 } });
    } finally {
      await os.stop();
    }
    const { SLUICE_OPENSEARCH_ENDPOINT: _, ...withoutEndpoint } = process.env;
    const redriven = await spawned(withoutEndpoint, 'redrive', '--data-dir', data);
    expect(JSON.parse(redriven.last).redriven).toMatchObject([{ before: 'BACKED_UP', after: 'SUCCEEDED' }]);
    const documents = readFileSync(join(data, 'opensearch.jsonl'), 'utf8').trim().split('\n');
    expect(documents).toHaveLength(3);
  });
});
