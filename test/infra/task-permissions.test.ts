import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../local/engine.ts';
import { localRedriver } from '../../local/redriver.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { businessEvent, eventsJsonl, firehoseRequest, pipesRecord } from '../../local/samples.ts';
import { redrivable } from '../../redrive/redrivable.ts';
import { redrive } from '../../redrive/redrive.ts';
import { sweep } from '../../redrive/sweep.ts';
import { bridge, executionInput } from '../../tasks/firehose-bridge/index.ts';
import { tasks } from '../../tasks/index.ts';
import type { TaskName } from '../../contracts/timing.ts';
import { ledgerRefusingOnce } from '../doubles/ledger-refusing-once.ts';
import { RequestRecorder, type Request } from '../doubles/request-recorder.ts';
import { configWith, openStack, taggedEvents, type Harness } from '../e2e/harness.ts';
import type { SinkTables } from '../../infra/constructs/sink-tables.ts';
import { statements, synth, type Synthesized } from './synth.ts';

// small chunks: an object of a few lines is one chunk (run inline), a larger one is split into chunk executions
const config = configWith((c) => {
  c.limits.chunkBytes = 2_000;
});
/** The S1 delivery stream as the CDK app names it: what a Firehose request's ARN names on AWS. */
const STREAM = 'sluice-s1-api-to-newrelic';
let s: Synthesized;
let h: Harness;
const recorder = new RequestRecorder();

beforeAll(async () => {
  s = synth(config, undefined, false);
  // malformed-data alerts go to an outbox here, to the SNS topic on AWS
  h = await openStack(config, { observer: recorder, alert: async () => {} });
}, 120_000);
afterAll(async () => {
  s.remove();
  await h.stop();
});

const logicalId = (construct: any) => s.stack.getLogicalId(construct.node.defaultChild);

/** How the template names what a local request reached (a logical id, or the physical name an ARN is formatted from): a bucket, a table or its index, a state machine, a delivery stream, the alert topic. */
function targetOf(request: Request): string | undefined {
  const bucket = Object.entries(config.buckets).find(([, name]) => name === request.resource);
  if (bucket) return logicalId(s.stack.node.findChild('Storage').node.findChild(bucket[0][0]!.toUpperCase() + bucket[0].slice(1)));
  const table = request.resource.split('/')[0]!;
  if (table === config.ledgerTable) return logicalId(s.stack.node.findChild('Ledger').node.findChild('Table'));
  const sinkTable = (s.stack.node.findChild('SinkTables') as SinkTables).byName.get(table);
  if (sinkTable) return logicalId(sinkTable);
  // a chunk machine's ARN and a delivery stream's are formatted from their names (a reference would close a cycle)
  if (request.action.startsWith('states:')) return s.resources('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineName === `sluice-${request.resource}`)?.[1].Properties.StateMachineName;
  if (request.action.startsWith('firehose:')) return s.resources('AWS::KinesisFirehose::DeliveryStream').find(([, d]) => d.Properties.DeliveryStreamName === request.resource)?.[1].Properties.DeliveryStreamName;
  if (request.action.startsWith('sns:')) return s.resources('AWS::SNS::Topic')[0]?.[0];
  return undefined;
}

/** The role of a task's Lambda, of the sweep's, of a Firehose bridge's. */
function roleOf(who: string): string {
  if (who in s.stack.functions.byTask) return s.stack.getLogicalId(s.stack.functions.byTask[who as TaskName].role!.node.defaultChild as never);
  const description = who === 'sweep' ? /^sluice sweep/ : /Firehose transformation through the firehose workflow$/;
  const fn = s.resources('AWS::Lambda::Function').find(([, f]) => description.test(f.Properties.Description ?? ''));
  return fn![1].Properties.Role['Fn::GetAtt'][0];
}

const matches = (pattern: string, action: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(action);
const list = (value: unknown): any[] => (Array.isArray(value) ? value : [value]);

/** Whether the role's policies allow the action on the target (an index by its `/index/` ARN, an S3 object by its `/*` one). */
function allowed(request: Request): string | undefined {
  const target = targetOf(request);
  if (!target) return `${request.who} ${request.action} ${request.resource}: not in the template`;
  const role = roleOf(request.who);
  const mine = statements(s.json).filter(({ where }) => JSON.stringify(s.json.Resources[where].Properties.Roles ?? []).includes(`"${role}"`) || where === role);
  const ok = mine.some(({ statement }) => {
    if (statement.Effect !== 'Allow' || !list(statement.Action).some((a: string) => matches(a, request.action))) return false;
    const resources = JSON.stringify(statement.Resource);
    if (![`"${target}"`, `:${target}"`, `/${target}"`].some((form) => resources.includes(form))) return false;
    if (request.resource.includes('/index/')) return resources.includes('/index/');
    return true;
  });
  return ok ? undefined : `${request.who} ${request.action} ${request.resource}: not allowed by its role`;
}

const records = (tag: string, shard: string, n = 6) => Array.from({ length: n }, (_, i) => pipesRecord(JSON.stringify({ ...businessEvent(i), event_id: `${tag}-${i}` }), i, shard));
const lines = (tag: string, n: number) =>
  eventsJsonl(n)
    .split('\n')
    .filter(Boolean)
    .map((line, i) => JSON.stringify({ ...JSON.parse(line), event_id: `${tag}-${i}` }))
    .join('\n');

describe('what each Lambda does on AWS, its role allows', () => {
  it('every request the tasks, the Firehose bridge and the sweep make, on every path, is allowed by the role the CDK app gives them', async () => {
    // the happy paths of the three workflows, malformed records (quarantined, alerted), a DynamoDB sink
    const malformed = pipesRecord('{"event_type":"bogus"', 9, 'shardId-000000000040');
    expect((await h.stack.run('kinesis', 's3-events-to-archive', [...records('perm-archive', 'shardId-000000000040'), malformed])).status).toBe('SUCCEEDED');
    expect((await h.stack.run('kinesis', 's4-events-raw', records('perm-raw', 'shardId-000000000041'))).status).toBe('SUCCEEDED');
    expect((await h.stack.run('kinesis', 's2-telemetry-to-lake', records('perm-telemetry', 'shardId-000000000042'))).status).toBe('SUCCEEDED');
    expect((await h.stack.run('firehose', 's1-api-to-newrelic', firehoseRequest(['{"message":"a"}', '{"message":"b"}']))).status).toBe('SUCCEEDED');
    for (const [key, n] of [['perm/one-chunk.jsonl', 3], ['perm/chunks.jsonl', 20]] as const) {
      await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: config.buckets.raw, Key: `events/${key}`, Body: lines(key, n) }));
      const result = await h.stack.run('s3', 's4-events-processed', objectCreatedFor(config.buckets.raw, `events/${key}`));
      expect([result.status, result.account?.counts.in]).toStrictEqual(['SUCCEEDED', n]);
    }
    // an object of the versioned raw bucket, as its event names it on AWS (s3rver keeps no versions: the
    // version is recorded, then left out of the request it answers)
    const unversioned = {
      send: (command: { input: { VersionId?: string } }) => {
        delete command.input.VersionId;
        return h.stack.ctx.s3.send(command as never);
      },
    } as unknown as typeof h.stack.ctx.s3;
    const created = objectCreatedFor(config.buckets.raw, 'events/perm/one-chunk.jsonl');
    const versioned = { ...created, detail: { ...created.detail, object: { ...created.detail.object, 'version-id': 'v1' } } };
    expect((await new LocalEngine({ ...h.stack.ctx, s3: unversioned }, { skipWaits: true, observer: recorder }).run('s3', 's4-events-processed', versioned)).status).toBe('SUCCEEDED');
    // the failure paths: the ledger refuses the account step's write (Back up the batch's input, FAILED), for a batch and an object
    const failing = (ddb: ReturnType<typeof ledgerRefusingOnce>['ddb']) => new LocalEngine({ ...h.stack.ctx, ddb }, { skipWaits: true, observer: recorder });
    expect((await failing(ledgerRefusingOnce(h.stack.ctx.ddb).ddb).run('kinesis', 's4-events-raw', records('perm-failed', 'shardId-000000000043'))).status).toBe('FAILED');
    expect((await failing(ledgerRefusingOnce(h.stack.ctx.ddb).ddb).run('s3', 's4-events-processed', objectCreatedFor(config.buckets.raw, 'events/perm/one-chunk.jsonl'))).status).toBe('FAILED');
    // the Kinesis batch above failed after its claim, under its shard's commit lock: Pipes' retry of half of it takes the
    // lock, reads the claim (a consistent GetItem), notes the left commit in the lock's item and copies its objects
    const reads = () => recorder.requests.filter((r) => r.who === 'account' && r.action === 'dynamodb:GetItem').length;
    const readsBefore = reads();
    expect((await h.stack.run('kinesis', 's4-events-raw', records('perm-failed', 'shardId-000000000043').slice(0, 3))).status).toBe('SUCCEEDED');
    expect(reads()).toBeGreaterThan(readsBefore);
    // the same on another pipeline, but the left commit's staged objects are gone (the work bucket's expiry): its claim is withdrawn
    expect((await failing(ledgerRefusingOnce(h.stack.ctx.ddb).ddb).run('kinesis', 's3-events-to-archive', records('perm-withdrawn', 'shardId-000000000046'))).status).toBe('FAILED');
    const locks = (await h.stack.ctx.ddb.send(new ScanCommand({ TableName: config.ledgerTable }))).Items ?? [];
    const left = locks.find((item) => String(item.batchId).startsWith('s3-events-to-archive/') && String(item.batchId).endsWith('shardId-000000000046#commit'));
    for (const staged of (left?.commit as { staged: { from: string }[] }).staged) await h.stack.ctx.s3.send(new DeleteObjectCommand({ Bucket: config.buckets.work, Key: staged.from }));
    // Pipes' half dropped records on that claim: once withdrawn, they stand on nothing, and it fails for its retry to deliver them
    expect((await h.stack.run('kinesis', 's3-events-to-archive', records('perm-withdrawn', 'shardId-000000000046').slice(0, 3))).error).toBe('Sluice.Overtaken');
    expect((await h.stack.run('kinesis', 's3-events-to-archive', records('perm-withdrawn', 'shardId-000000000046').slice(0, 3))).status).toBe('SUCCEEDED');
    // answers that do not fit in Firehose's 6 MB response: put back on the delivery stream the request names
    const big = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ message: `m${i} ${'z'.repeat(2000)}`, level: 'info', service: 'big' }));
    const overflow = { ...firehoseRequest(big, 'perm-6mb'), deliveryStreamArn: `arn:aws:firehose:us-east-1:000000000000:deliverystream/${STREAM}` };
    expect((await h.stack.run('firehose', 's1-api-to-newrelic', await executionInput(overflow, h.stack.ctx))).account?.counts.dropped).toBeGreaterThan(0);
    // the sweep: executions that died after their first step, found past the Express limit: a Kinesis batch
    // started again, one whose records a re-cut batch delivered since (superseded: its input let go), and a
    // transform-mode Firehose batch (put back on its delivery stream)
    const old = { ...h.stack.ctx, now: () => Date.now() - 3_600_000 };
    await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input: records('perm-swept', 'shardId-000000000044') }, old);
    await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input: records('perm-recut', 'shardId-000000000045') }, old);
    expect((await h.stack.run('kinesis', 's4-events-raw', records('perm-recut', 'shardId-000000000045').slice(0, 3))).status).toBe('SUCCEEDED');
    const putBack = { ...firehoseRequest(['{"message":"c"}'], 'perm-put-back'), deliveryStreamArn: `arn:aws:firehose:us-east-1:000000000000:deliverystream/${STREAM}` };
    await tasks.decode({ pipeline: 's1-api-to-newrelic', workflow: 'firehose', input: putBack }, old);
    const local = localRedriver(h.stack);
    const swept = await sweep({ ctx: recorder.context('sweep', h.stack.ctx), start: local.start });
    expect(swept.redriven.map((r) => r.execution).sort()).toStrictEqual(['REINGESTED', 'SUCCEEDED', 'SUCCEEDED (3 of 6 records)']);
    // what an operator's `sluice redrive --aws` does runs as the sweep's code does, from a workstation: the sweep's role covers it too
    const failed = await redrivable(h.stack.ctx, { pipeline: 's4-events-raw' });
    expect((await redrive({ ctx: recorder.context('sweep', h.stack.ctx), start: local.start }, failed)).length).toBeGreaterThan(0);
    // the Firehose bridge: the request claim-checked when large, the workflow started synchronously
    const request = firehoseRequest(Array.from({ length: 400 }, (_, i) => JSON.stringify({ message: 'x'.repeat(1_000), i })));
    const response = await bridge(request, recorder.context('bridge', h.stack.ctx), async (input) => {
      const result = await h.stack.engine.run('firehose', 's1-api-to-newrelic', JSON.parse(input));
      return { status: result.status, output: JSON.stringify(result.output) };
    });
    expect(response.records).toHaveLength(400);
    // backup of a batch whose body is over the claim-check threshold, as its Lambda runs it (no claims kept in
    // process): it writes the body it hands on to the work bucket
    const large = await tasks.decode({ pipeline: 's4-events-raw', workflow: 'kinesis', input: taggedEvents('perm-large', 'shardId-000000000047', 600) }, recorder.context('decode', h.stack.ctx));
    const puts = () => recorder.requests.filter((r) => r.who === 'backup' && r.action === 's3:PutObject' && r.resource === config.buckets.work).length;
    await tasks.backup({ batch: large }, recorder.context('backup', h.stack.ctx));
    expect(puts()).toBe(1);

    const seen = recorder.distinct();
    // the recorder saw the paths it must judge
    for (const expected of ['decode s3:GetObjectVersion', 'decode dynamodb:PutItem', 'decode dynamodb:Query', 'account dynamodb:PutItem', 'decode dynamodb:UpdateItem', 'decode states:StartExecution', 'account dynamodb:UpdateItem', 'account dynamodb:GetItem', 'account dynamodb:DeleteItem', 'account dynamodb:Query', 'account s3:PutObject', 'account firehose:PutRecordBatch', 'account sns:Publish', 'backup s3:PutObject', 'deliver dynamodb:BatchWriteItem', 'sweep dynamodb:Query', 'sweep s3:DeleteObject', 'sweep firehose:PutRecordBatch', 'bridge s3:PutObject']) {
      expect(seen.some((line) => line.startsWith(expected)), expected).toBe(true);
    }
    expect(seen.filter((line) => line.includes('unknown:'))).toStrictEqual([]);
    const refused = [...new Map(recorder.requests.map((r) => [`${r.who} ${r.action} ${r.resource}`, r])).values()].map(allowed).filter(Boolean);
    expect(refused).toStrictEqual([]);
  }, 120_000);
});
