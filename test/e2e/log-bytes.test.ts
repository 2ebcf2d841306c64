import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowName } from '../../contracts/batch.ts';
import { executionLogBytes } from '../../cost/execution-log-bytes.ts';
import { LOG_BYTES } from '../../cost/log-bytes.ts';
import type { ExecutionResult } from '../../local/engine.ts';
import { objectCreatedFor } from '../../local/s3-events.ts';
import { businessEvent, firehoseRequest, pipesRecord } from '../../local/samples.ts';
import { openStack, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await openStack();
});
afterAll(() => h.stop());

const event = (i: number) => JSON.stringify({ ...businessEvent(i), event_id: `log-${i}`, note: 'x'.repeat(700) });
const apiLog = () => JSON.stringify({ message: 'x'.repeat(900), level: 'info' });
const bytesOf = (result: ExecutionResult) => executionLogBytes(result.events) + (result.chunks ?? []).reduce((total, chunk) => total + executionLogBytes(chunk.events), 0);

/** One execution of `n` records through a workflow: its log bytes and its records' bytes. */
async function measure(workflow: WorkflowName, n: number): Promise<{ bytes: number; recordBytes: number }> {
  const datas = Array.from({ length: n }, (_, i) => (workflow === 'firehose' ? apiLog() : event(i + n * 1000)));
  const recordBytes = datas.reduce((total, data) => total + Buffer.byteLength(data), 0);
  let result: ExecutionResult;
  if (workflow === 'kinesis') result = await h.stack.run('kinesis', 's3-events-to-archive', datas.map((data, i) => pipesRecord(data, i, `shardId-0000000000${n}`)));
  else if (workflow === 'firehose') result = await h.stack.run('firehose', 's1-api-to-newrelic', firehoseRequest(datas, `log-bytes-${n}`));
  else {
    await h.stack.servers.s3.send(new PutObjectCommand({ Bucket: 'sluice-raw', Key: `uploads/log-bytes-${n}.jsonl`, Body: datas.join('\n') }));
    result = await h.stack.run('s3', 's4-events-processed', objectCreatedFor('sluice-raw', `uploads/log-bytes-${n}.jsonl`));
  }
  expect(result.status).toBe('SUCCEEDED');
  return { bytes: bytesOf(result), recordBytes };
}

describe('CloudWatch Logs bytes of an execution at level ALL (what sluice cost assumes)', () => {
  for (const workflow of ['kinesis', 'firehose', 's3'] as const) {
    it(`${workflow}: the measured fixed and per-record-byte parts are within 20 % of cost/log-bytes.ts`, async () => {
      const small = await measure(workflow, 10);
      const large = await measure(workflow, 100);
      const perRecordByte = (large.bytes - small.bytes) / (large.recordBytes - small.recordBytes);
      const perExecution = small.bytes - perRecordByte * small.recordBytes;
      const assumed = LOG_BYTES[workflow];
      expect(Math.abs(perRecordByte / assumed.perRecordByte - 1)).toBeLessThan(0.2);
      expect(Math.abs(perExecution / assumed.perExecution - 1)).toBeLessThan(0.2);
    });
  }
});
