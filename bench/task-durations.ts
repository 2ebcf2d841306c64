import type { SluiceConfig } from '../contracts/config.ts';
import { pipeSettings } from '../contracts/pipe-settings.ts';
import { pipesBatchRecords } from '../contracts/pipes-kinesis.ts';
import { businessEvent, pipesRecord } from '../local/samples.ts';
import { pathOf } from '../local/inspector.ts';
import { startStack } from '../local/stack.ts';

export interface TaskDurations {
  batches: number;
  records: number;
  /** Mean ms of one task call, all tasks together (what `sluice cost --task-ms` takes). */
  taskMs: number;
  /** Mean ms per call, by Task state. */
  byState: Record<string, number>;
  /** Mean seconds of one execution (what `sluice cost --execution-seconds` takes). */
  executionSeconds: number;
  /** S3 and DynamoDB requests per execution, and the mean ms the local servers took to answer one. */
  requests: { s3: number; dynamodb: number; localMs: number };
}

/** A client's requests counted and timed, on the client itself (the engine's task context holds the same object). */
function counted(client: { send: (...args: never[]) => Promise<unknown> }, into: { n: number; ms: number }) {
  const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  Object.defineProperty(client, 'send', {
    value: async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await send(...args);
      } finally {
        into.n++;
        into.ms += performance.now() - started;
      }
    },
  });
}

/** A business event padded to `bytes` of JSON. */
function eventOf(i: number, bytes: number): string {
  const event = { ...businessEvent(i, 20), note: '' };
  return JSON.stringify({ ...event, note: 'x'.repeat(Math.max(0, bytes - JSON.stringify(event).length)) });
}

/**
 * What the cost estimate otherwise assumes, measured: `batches` Pipes batches of `recordBytes` records
 * (as many as the pipeline's Pipe hands over at that size) through the kinesis workflow, one at a time on
 * a quiet embedded stack, the time of each Task state from its trace. Local servers and this machine's
 * CPU, not Lambda's: a measure of the tasks' own work and of requests answered on loopback.
 */
export async function taskDurations(config: SluiceConfig, pipeline: string, batches: number, recordBytes: number): Promise<TaskDurations> {
  const size = pipesBatchRecords(`sluice-${pipeline}`, pipeSettings(config.pipelines[pipeline]!).batchSize, recordBytes);
  const stack = await startStack(config, { skipWaits: true });
  const calls = new Map<string, { ms: number; calls: number }>();
  const executions: number[] = [];
  const s3 = { n: 0, ms: 0 };
  const dynamodb = { n: 0, ms: 0 };
  counted(stack.ctx.s3, s3);
  counted(stack.ctx.ddb, dynamodb);
  try {
    for (let b = 0; b < batches; b++) {
      const records = Array.from({ length: size }, (_, i) => pipesRecord(eventOf(b * size + i, recordBytes), b * size + i));
      const result = await stack.run('kinesis', pipeline, records);
      if (result.status !== 'SUCCEEDED') throw new Error(`a measured batch ended ${result.status}: ${result.cause ?? ''}`);
      // the first batch loads modules and warms the servers: not counted
      if (b === 0) {
        s3.n = s3.ms = dynamodb.n = dynamodb.ms = 0;
        continue;
      }
      executions.push(result.durationMs);
      // the time in each Task state, as the inspector's graph reads it from the trace
      const tasks = new Set(result.events.filter((event) => event.state?.type === 'Task').map((event) => event.state!.name));
      for (const [state, visit] of Object.entries(pathOf(result.events).visits)) {
        if (!tasks.has(state)) continue;
        const sum = calls.get(state) ?? { ms: 0, calls: 0 };
        calls.set(state, { ms: sum.ms + visit.durationMs, calls: sum.calls + visit.entered });
      }
    }
  } finally {
    await stack.stop();
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const sums = [...calls.values()];
  return {
    batches: executions.length,
    records: size,
    taskMs: sums.reduce((a, b) => a + b.ms, 0) / Math.max(1, sums.reduce((a, b) => a + b.calls, 0)),
    byState: Object.fromEntries([...calls].map(([state, sum]) => [state, sum.ms / sum.calls])),
    executionSeconds: mean(executions) / 1000,
    requests: { s3: s3.n / executions.length, dynamodb: dynamodb.n / executions.length, localMs: (s3.ms + dynamodb.ms) / Math.max(1, s3.n + dynamodb.n) },
  };
}
