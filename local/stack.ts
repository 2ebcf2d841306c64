import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AlertSink } from '../contracts/alerts.ts';
import type { WorkflowName } from '../contracts/batch.ts';
import { rateLimited } from '../tasks/shared/malformed-alert.ts';
import { triggers, type SluiceConfig } from '../contracts/config.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import type { Reingest } from '../tasks/shared/reingest.ts';
import { LocalDeliveryStreams } from './delivery-streams.ts';
import { LocalEngine, type ExecutionResult, type TaskObserver, type TraceEvent } from './engine.ts';
import { objectCreatedEnvelope, toObjectCreated, type S3rverNotification } from './s3-events.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { bufferedReingest } from './sources/buffered-reingest.ts';
import { startServers, type Servers } from './servers.ts';

export interface StackOptions {
  /** Skip Retry and redelivery waits (the states still run and show in the trace). */
  skipWaits?: boolean;
  /** Start the s3 workflow of every pipeline whose trigger matches a new object, as EventBridge would. */
  routeObjectEvents?: boolean;
  /** Shards of each new local stream: 1 (the demo and the tests read one in order); the running stack takes 4, as an on-demand stream starts with. */
  streamShards?: number;
  /** Keep s3rver's files here instead of a temporary folder. */
  dataDir?: string;
  /** Where records put back on a delivery stream go (default: with a data folder, its delivery stream buffers, for the next `sluice start`; without, kept in `deliveryStreams`, for the caller to read). */
  reingest?: Reingest;
  /** Where malformed-data alerts go (rate-limited as on AWS); none: no alerts. */
  alert?: AlertSink;
  /**
   * Called with each execution an object event started, which is then let go (a stack that runs for days
   * must not hold every result); without it, results are kept until `settle` returns them.
   */
  onTriggered?: (result: ExecutionResult) => void;
  /** Sees every task run (the bench's breakdown times them; a test records their requests). */
  observer?: TaskObserver;
  /** Keep on each result the claim-checked payloads its execution held, for the inspector (see ExecutionResult.claimed). */
  keepClaims?: boolean;
}

export interface LocalStack {
  config: SluiceConfig;
  servers: Servers;
  ctx: TaskContext;
  engine: LocalEngine;
  /** Records the workflows put back on a Firehose delivery stream (stand-in: there is no local Firehose yet). */
  deliveryStreams: LocalDeliveryStreams;
  run(workflow: WorkflowName, pipeline: string, input: unknown, onEvent?: (event: TraceEvent) => void): Promise<ExecutionResult>;
  /** Starts the s3 workflow of every pipeline whose trigger matches (bucket, key) with `event`; returns how many it started (`settle` waits for them). */
  objectCreated(bucket: string, key: string, event: unknown): number;
  /** Waits until every execution started by object events (and those they started) has ended; returns those not returned before (none with `onTriggered`). */
  settle(): Promise<ExecutionResult[]>;
  stop(): Promise<void>;
}

/** The embedded stack: s3rver and dynalite on loopback, the task context, the local engine. */
export async function startStack(config: SluiceConfig, options: StackOptions = {}): Promise<LocalStack> {
  // two processes on one data folder would corrupt s3rver's files and the leveldb databases
  const unlock = options.dataDir ? await lockDataDir(options.dataDir) : async () => {};
  const servers = await startServers(config, options.dataDir, options.streamShards).catch(async (error: Error) => {
    await unlock();
    throw error;
  });
  const deliveryStreams = new LocalDeliveryStreams();
  const ctx: TaskContext = {
    config,
    s3: servers.s3,
    ddb: DynamoDBDocumentClient.from(servers.dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    now: Date.now,
    // a data folder's records wait in its delivery stream buffers for the next start; an ephemeral stack keeps them in memory
    reingest: options.reingest ?? (options.dataDir ? bufferedReingest(options.dataDir, config) : deliveryStreams.put),
    ...(options.alert ? { alert: rateLimited(options.alert) } : {}),
  };
  const engine = new LocalEngine(ctx, { skipWaits: options.skipWaits ?? false, keepClaims: options.keepClaims ?? false, ...(options.observer ? { observer: options.observer } : {}) });
  // executions object events started and not yet ended; their results, in the order they started, when no onTriggered takes them
  const inFlight = new Set<Promise<void>>();
  const unclaimed: { result?: ExecutionResult }[] = [];
  const failures: Error[] = [];
  const track = (run: Promise<ExecutionResult>, what: string) => {
    const { onTriggered } = options;
    let ended: Promise<void>;
    if (onTriggered) {
      ended = run
        .then(onTriggered, (error: Error) => {
          // the records are where the ledger row says (a row left STARTED is started again by the sweep); the trace is not kept
          process.stderr.write(`sluice: the s3 execution of ${what} did not end: ${error.message}\n`);
        })
        .catch((error: Error) => void process.stderr.write(`sluice: after the s3 execution of ${what}: ${error.message}\n`));
    } else {
      const slot: { result?: ExecutionResult } = {};
      unclaimed.push(slot);
      ended = run.then(
        (result) => void (slot.result = result),
        (error: Error) => void failures.push(new Error(`the s3 execution of ${what} did not end: ${error.message}`, { cause: error })),
      );
    }
    const tracked = ended.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  /** Starts the s3 workflow of every pipeline whose trigger matches the object, as EventBridge would. */
  const objectCreated = (bucket: string, key: string, event: unknown): number => {
    let started = 0;
    for (const [name, pipeline] of Object.entries(config.pipelines)) {
      const trigger = pipeline.trigger;
      if (pipeline.workflow !== 's3' || !trigger || !triggers(trigger, bucket, key)) continue;
      track(engine.run('s3', name, event), `s3://${bucket}/${key} (pipeline ${name})`);
      started += 1;
    }
    return started;
  };

  if (options.routeObjectEvents) {
    servers.objectEvents.on('event', (notification: S3rverNotification) => {
      for (const record of notification.Records) {
        if (record.eventName.startsWith('ObjectCreated')) objectCreated(record.s3.bucket.name, record.s3.object.key, objectCreatedEnvelope(toObjectCreated(record)));
      }
    });
  }

  return {
    config,
    servers,
    ctx,
    engine,
    deliveryStreams,
    objectCreated,
    run: (workflow, pipeline, input, onEvent) => engine.run(workflow, pipeline, input, onEvent ? { onEvent } : {}),
    async settle() {
      while (inFlight.size > 0) await Promise.all(inFlight);
      const failed = failures.splice(0);
      if (failed.length > 0) throw failed.length === 1 ? failed[0] : new AggregateError(failed, `${failed.length} executions started by object events did not end`);
      return unclaimed.splice(0).flatMap(({ result }) => (result ? [result] : []));
    },
    stop: async () => {
      // failures no settle() has reported are said, not dropped
      for (const error of failures.splice(0)) process.stderr.write(`sluice: ${error.message}\n`);
      await servers.stop();
      await unlock();
    },
  };
}
