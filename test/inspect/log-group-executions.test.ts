import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployedMachines, keptAt, ledgerRowReader } from '../../inspect/deployed-machines.ts';
import { LogGroupExecutions, type LoggedMachine } from '../../inspect/log-group-executions.ts';
import type { ExecutionResult, TraceEvent } from '../../local/engine.ts';
import { startInspector } from '../../local/inspector-server.ts';
import { idOf as claimIdOf } from '../../local/memory-claims.ts';
import type { LocalStack } from '../../local/stack.ts';
import { startStack } from '../../local/stack.ts';
import { tasks } from '../../tasks/index.ts';
import { Names } from '../../workflows/record-chain.ts';
import { cloudWatchLogEvents, fakeFilterLogEvents, type LogShape } from '../doubles/cloudwatch-execution-logs.ts';
import { configWith } from '../e2e/harness.ts';

/**
 * Reading a deployed stack's executions can only happen on AWS: the CloudWatch Logs client's send is
 * replaced by one that serves log events in the shape AWS documents, written from real executions of the
 * embedded stack (test/doubles/cloudwatch-execution-logs.ts); the ledger is the embedded stack's (dynalite).
 */
const PIPELINE = 's2-telemetry-to-lake';
const GROUP = `/aws/vendedlogs/states/sluice-${PIPELINE}`;
const machines: LoggedMachine[] = [{ pipeline: PIPELINE, workflow: 'kinesis', logGroupName: GROUP }];
const HOUR = 3_600_000;
const awsArn = (id: string) => `arn:aws:states:eu-west-1:123456789012:express:sluice-${PIPELINE}:${id}:${id}`;
const idOf = (result: ExecutionResult) => result.executionArn.split(':').pop()!;
/** The local trace's events as the AWS trace must show them: type and state. */
const steps = (events: TraceEvent[]) => events.filter((e) => !e.type.startsWith('LambdaFunction')).map((e) => `${e.type} ${e.state?.name ?? ''}`.trim());

let stack: LocalStack;
let succeeded: ExecutionResult;
let failed: ExecutionResult;
let now: number;

beforeAll(async () => {
  // claim checks above 2,000 bytes: the example batch travels as references, as a large batch does on AWS
  stack = await startStack(configWith((config) => (config.limits.claimCheckBytes = 2_000)), { skipWaits: true, keepClaims: true });
  succeeded = await stack.run('kinesis', PIPELINE, JSON.parse(readFileSync('examples/s2-telemetry-to-lake.kinesis.json', 'utf8')));
  failed = await stack.run('kinesis', PIPELINE, { not: 'a batch' });
  expect([succeeded.status, failed.status]).toStrictEqual(['SUCCEEDED', 'FAILED']);
  now = Math.max(...[...succeeded.events, ...failed.events].map((e) => e.timestamp)) + 60_000;
});
afterAll(() => stack?.stop());

function source(groups: Record<string, FilteredLogEvent[]>, pageSize = 25, windowMs = 3 * HOUR) {
  const fake = fakeFilterLogEvents(groups, pageSize);
  const executions = new LogGroupExecutions({ send: fake.send, machines, windowMs, now: () => now, ledgerRow: ledgerRowReader(stack.ctx), keptAt: keptAt(stack.ctx) });
  return { executions, sent: fake.sent };
}
const logged = (result: ExecutionResult, shape?: LogShape) => cloudWatchLogEvents(result, awsArn(idOf(result)), shape);

describe('a deployed stack\'s executions, from their log group', () => {
  it('lists them as the local store does: status, batch, counts, where a failed batch\'s input is kept', async () => {
    const { executions } = source({ [GROUP]: [...logged(succeeded), ...logged(failed)] });
    const list = await executions.list();
    const keptBatch = (failed.events.find((e) => e.type === 'StateExited' && e.state?.name === Names.backupInput)!.state!.output as { batchId: string }).batchId;
    // newest first: the failed one ran second
    expect(list.map((e) => [e.id, e.status, e.batchId])).toStrictEqual([
      [idOf(failed), 'FAILED', keptBatch],
      [idOf(succeeded), 'SUCCEEDED', succeeded.account!.batchId],
    ]);
    const [ok] = await executions.list({ status: 'SUCCEEDED' });
    expect(ok!.counts).toStrictEqual(succeeded.account!.counts);
    const [bad] = await executions.list({ status: 'FAILED' });
    expect(bad!.error).toBe('Sluice.InvalidInput');
    expect(bad!.inputKey).toMatch(/^(s3|ledger):\/\//);
    expect(await executions.list({ pipeline: 'another' })).toStrictEqual([]);
  });

  it('gives an execution the local trace\'s events, state data included', async () => {
    const { executions } = source({ [GROUP]: [...logged(succeeded), ...logged(failed)] });
    for (const local of [succeeded, failed]) {
      const aws = (await executions.get(idOf(local)))!;
      expect(steps(aws.events)).toStrictEqual(steps(local.events));
      expect(aws.status).toBe(local.status);
    }
    const aws = (await executions.get(idOf(succeeded)))!;
    const exit = (events: TraceEvent[]) => events.find((e) => e.type === 'StateExited' && e.state?.name === Names.account)!.state!.output;
    expect(exit(aws.events)).toStrictEqual(exit(succeeded.events));
    expect(aws.account).toMatchObject({ batchId: succeeded.account!.batchId, counts: succeeded.account!.counts });
  });

  it('keeps a claim-check reference as it was logged, and shows a cut payload as cut', async () => {
    const { executions } = source({ [GROUP]: logged(succeeded, { truncateOver: 1_500 }) });
    const aws = (await executions.get(idOf(succeeded)))!;
    const decodeOut = (events: TraceEvent[]) => events.find((e) => e.type === 'StateExited' && e.state?.name === Names.decode)!.state!.output as { body: unknown };
    expect(decodeOut(aws.events).body).toStrictEqual(decodeOut(succeeded.events).body);
    expect(decodeOut(aws.events).body).toMatchObject({ ref: { bucket: stack.config.buckets.work, key: expect.stringMatching(/^claims\//) } });
    // the Kinesis batch itself (8 KB) is over the cut
    const started = aws.events.find((e) => e.type === 'ExecutionStarted')!;
    expect(started.input).toMatchObject({ truncated: true, text: JSON.stringify(succeeded.events[0]!.input).slice(0, 1_500) });
    const page = await startInspector({ store: executions, pipelines: [PIPELINE] });
    try {
      const html = await (await fetch(`${page.url}/executions/${idOf(succeeded)}`)).text();
      expect(html).toContain('"truncated": true');
      expect(html).toContain((decodeOut(succeeded.events).body as { ref: { key: string } }).ref.key);
      expect(html).toContain('<svg');
      const list = await (await fetch(`${page.url}/api/executions?status=SUCCEEDED`)).json();
      expect(list).toMatchObject([{ id: idOf(succeeded), pipeline: PIPELINE }]);
    } finally {
      await page.close();
    }
  });

  it('resolves a logged claim check from the work bucket, so the page shows the data, not the pointer', async () => {
    // on AWS the work bucket holds the payloads; here the engine kept them in process (keepClaims)
    const held = succeeded.claimed!;
    const read: string[] = [];
    const readClaim = async (ref: { bucket: string; key: string }) => {
      read.push(ref.key);
      const text = held.get(claimIdOf(ref));
      if (text === undefined) throw new Error(`NoSuchKey: ${ref.key}`);
      return Buffer.from(text);
    };
    const executions = new LogGroupExecutions({ send: fakeFilterLogEvents({ [GROUP]: logged(succeeded) }).send, machines, windowMs: 3 * HOUR, now: () => now, readClaim });
    const claims = await executions.claims(idOf(succeeded));
    expect(claims.size).toBeGreaterThan(0);
    expect(read.length).toBe(claims.size);
    for (const claim of claims.values()) expect(claim).toMatchObject({ value: expect.anything() });
    expect(claims.values().next().value).not.toHaveProperty('missing');
    // without a reader (no S3 access) the pointers stay pointers
    const { executions: blind } = source({ [GROUP]: logged(succeeded) });
    expect((await blind.claims(idOf(succeeded))).size).toBe(0);
  });

  it('pages through FilterLogEvents by nextToken, and reads only what is new on the next list', async () => {
    const events = [...logged(succeeded), ...logged(failed)];
    const { executions, sent } = source({ [GROUP]: events }, 7);
    await executions.list();
    const pages = Math.ceil(events.length / 7);
    expect(sent).toHaveLength(pages);
    expect(sent.map((c) => c.nextToken)).toStrictEqual([undefined, ...Array.from({ length: pages - 1 }, (_, i) => String((i + 1) * 7))]);
    expect((await executions.get(idOf(succeeded)))!.events.length).toBe(steps(succeeded.events).length + 3 * 6);
    sent.length = 0;
    await executions.list();
    const newest = Math.max(...events.map((e) => e.timestamp!));
    expect(sent[0]).toMatchObject({ logGroupName: GROUP, startTime: newest - 2 * 60_000 });
    expect((await executions.list()).length).toBe(2);
    // what was read again is not counted twice
    expect((await executions.get(idOf(succeeded)))!.events.length).toBe(steps(succeeded.events).length + 3 * 6);
  });

  it('reads the window back from now, and finds an older execution by its id', async () => {
    const old = logged(succeeded).map((e) => ({ ...e, timestamp: e.timestamp! - 4 * HOUR, message: e.message!.replace(/"event_timestamp":"(\d+)"/, (_, ms) => `"event_timestamp":"${Number(ms) - 4 * HOUR}"`) }));
    const { executions, sent } = source({ [GROUP]: [...old, ...logged(failed)] });
    expect((await executions.list()).map((e) => e.id)).toStrictEqual([idOf(failed)]);
    expect(sent[0]!.startTime).toBe(now - 3 * HOUR);
    const found = await executions.get(idOf(succeeded));
    expect(sent.at(-1)).toMatchObject({ filterPattern: `"${idOf(succeeded)}"` });
    expect(found?.status).toBe('SUCCEEDED');
    expect(await executions.get('no-such-execution')).toBeUndefined();
  });

  it('holds the newest maxExecutions in memory and finds an older one by its id', async () => {
    const fake = fakeFilterLogEvents({ [GROUP]: [...logged(succeeded), ...logged(failed)] });
    const executions = new LogGroupExecutions({ send: fake.send, machines, windowMs: 3 * HOUR, now: () => now, maxExecutions: 1 });
    expect((await executions.list()).map((e) => e.id)).toStrictEqual([idOf(failed)]);
    expect((await executions.get(idOf(succeeded)))?.status).toBe('SUCCEEDED');
    expect(fake.sent.at(-1)).toMatchObject({ filterPattern: `"${idOf(succeeded)}"` });
  });

  it('reads the history API\'s camelCase spelling the same', async () => {
    const snake = source({ [GROUP]: logged(succeeded) }).executions;
    const camel = source({ [GROUP]: logged(succeeded, { camelCase: true }) }).executions;
    expect(await camel.get(idOf(succeeded))).toStrictEqual(await snake.get(idOf(succeeded)));
  });

  it('at log level ERROR shows a failed execution and its error, with no data', async () => {
    const { executions } = source({ [GROUP]: [...logged(succeeded, { level: 'ERROR' }), ...logged(failed, { level: 'ERROR' })] });
    expect((await executions.list()).map((e) => [e.id, e.status, e.error])).toStrictEqual([[idOf(failed), 'FAILED', 'Sluice.InvalidInput']]);
  });

  it('joins the ledger for what the logs lack: an execution that timed out after decode has its batch\'s STARTED row and kept input', async () => {
    // decode, run for real, writes the row STARTED and keeps the input; the execution then dies in validate
    const input = (JSON.parse(readFileSync('examples/s2-telemetry-to-lake.kinesis.json', 'utf8')) as { sequenceNumber: string; eventID: string }[]).map((r) => ({ ...r, sequenceNumber: `7${r.sequenceNumber}`, eventID: `${r.eventID}7` }));
    const id = 'timed-out-0001';
    const batch = await tasks.decode({ pipeline: PIPELINE, workflow: 'kinesis', input, execution: awsArn(id) }, stack.ctx);
    const t0 = now - 10 * 60_000;
    const events: TraceEvent[] = [
      { type: 'ExecutionStarted', timestamp: t0, input },
      { type: 'StateEntered', timestamp: t0, state: { name: Names.decode, type: 'Task', input } },
      { type: 'StateExited', timestamp: t0 + 40, state: { name: Names.decode, type: 'Task', input, output: batch } },
      { type: 'StateEntered', timestamp: t0 + 41, state: { name: Names.validate, type: 'Task', input: batch } },
    ];
    const timedOut = cloudWatchLogEvents({ ...succeeded, executionArn: awsArn(id), events }, awsArn(id));
    const last = JSON.parse(timedOut.at(-1)!.message!) as Record<string, unknown>;
    timedOut.push({ ...timedOut.at(-1)!, timestamp: t0 + 300_000, eventId: 'timeout', message: JSON.stringify({ ...last, id: '9', type: 'ExecutionTimedOut', event_timestamp: String(t0 + 300_000), details: { error: 'States.Timeout', cause: 'The execution ran past 5 minutes' } }) });
    const { executions } = source({ [GROUP]: timedOut });
    const row = (await ledgerRowReader(stack.ctx)((batch as { batchId: string }).batchId))!;
    expect(row.status).toBe('STARTED');
    expect(await executions.list()).toMatchObject([{ id, status: 'FAILED', error: 'States.Timeout', batchId: row.batchId, inputKey: keptAt(stack.ctx)(row)! }]);
    expect(keptAt(stack.ctx)(row)).toMatch(/^(s3|ledger):\/\//);
    const page = await startInspector({ store: executions, pipelines: [PIPELINE], redrive: async (batchId) => ({ batchId, skipped: 'not here' }) });
    try {
      expect(await (await fetch(`${page.url}/executions/${id}`)).text()).toContain(`sluice redrive --batch ${row.batchId}`);
    } finally {
      await page.close();
    }
  });

  it('says which log event it cannot read', async () => {
    const { executions } = source({ [GROUP]: [{ eventId: 'e1', timestamp: now - 1000, message: 'START RequestId: 1' }] });
    await expect(executions.list()).rejects.toThrow(`${GROUP} event e1: not a JSON execution event: START RequestId: 1`);
  });
});

describe('the stack\'s state machines and their log groups', () => {
  const arn = (name: string) => `arn:aws:states:eu-west-1:123456789012:stateMachine:${name}`;
  const resources = { ledgerTable: 'l', buckets: { raw: 'r', lake: 'k', backup: 'b', work: 'w' }, stateMachines: { [PIPELINE]: arn(`staging-${PIPELINE}`), 's4-events-processed': arn('staging-s4-events-processed') } };

  it('names each machine\'s log group as the CDK app does, the chunk machines with the s3-chunk workflow', () => {
    expect(deployedMachines({ ...resources, chunkStateMachines: { 's4-events-processed': arn('staging-s4-events-processed-chunks') } }, stack.config)).toStrictEqual([
      { pipeline: PIPELINE, workflow: 'kinesis', logGroupName: `/aws/vendedlogs/states/staging-${PIPELINE}` },
      { pipeline: 's4-events-processed', workflow: 's3', logGroupName: '/aws/vendedlogs/states/staging-s4-events-processed' },
      { pipeline: 's4-events-processed', workflow: 's3-chunk', logGroupName: '/aws/vendedlogs/states/staging-s4-events-processed-chunks' },
    ]);
  });

  it('refuses a stack whose pipeline the configuration does not know', () => {
    expect(() => deployedMachines({ ...resources, stateMachines: { other: arn('x') } }, stack.config)).toThrow('the stack has a pipeline "other" that the configuration lacks');
  });
});
