import { StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AccountResult, type MachineName } from '../contracts/batch.ts';
import { decodeOrThrow } from '../contracts/decode.ts';
import { LedgerRow } from '../contracts/ledger.ts';
import { SplitResult } from '../contracts/tasks.ts';
import { tasks } from '../tasks/index.ts';
import { load, s3Claims } from '../tasks/shared/claim-check.ts';
import type { TaskContext } from '../tasks/shared/context.ts';
import { ExecutionScope } from './execution-scope.ts';
import { MemoryClaims } from './memory-claims.ts';
import { checkExecutionInput, withinStateLimit } from './payload-limits.ts';
import type { AslDefinition, AslState } from '../workflows/asl/types.ts';
import { renderAsl, workflows } from '../workflows/index.ts';
import { TASKS, type TaskName } from '../contracts/timing.ts';
import { functionArnKey, PIPELINE_KEY, substitute, taskOfResource } from '../workflows/resources.ts';
import { Names } from '../workflows/record-chain.ts';

/** An event of the execution log: state entered/exited/failed/retried/caught, Map iterations. */
export interface TraceEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  index?: number;
  Error?: string;
  Cause?: string;
  [field: string]: unknown;
}

export interface ExecutionResult {
  workflow: MachineName;
  pipeline: string;
  executionArn: string;
  /** RUNNING only for an execution read from AWS's logs whose end is not (yet) logged. */
  status: 'SUCCEEDED' | 'FAILED' | 'RUNNING';
  /** The execution output, claim checks resolved. */
  output?: unknown;
  error?: string;
  cause?: string;
  /** What the account step reported, when it ran (for an S3 object: what its chunk executions added up). */
  account?: AccountResult;
  /** An S3 object's chunk executions. */
  chunks?: ExecutionResult[];
  events: TraceEvent[];
  startedAt: string;
  durationMs: number;
  /**
   * With `keepClaims`: the claim-checked payloads this execution held, by `bucket/key`, read before the
   * engine let them go at its end (they never reach s3rver). Not part of the trace: not written with it.
   */
  claimed?: ReadonlyMap<string, string>;
}

/** What wraps every task the engine runs: times it, or records the requests it makes. */
export interface TaskObserver {
  task<T>(task: TaskName, ctx: TaskContext, run: (ctx: TaskContext) => Promise<T>): Promise<T>;
  executionRan?(ms: number): void;
}

export interface EngineOptions {
  /** Skip the waits of Retry backoff and of the redelivery loop (the states still show in the trace). */
  skipWaits?: boolean;
  /** Sees each task run with the context it may change, and how long each execution ran: the bench's breakdown, a test's request recorder. */
  observer?: TaskObserver;
  /** Keep on each result the claim-checked payloads its execution held (`claimed`), for the inspector. */
  keepClaims?: boolean;
}

const localArn = (task: TaskName) => `arn:aws:lambda:us-east-1:000000000000:function:sluice-${task}`;

/** What the CDK app's definitionSubstitutions give a pipeline's state machine, with local ARNs. */
function substitutions(pipeline: string): Record<string, string> {
  const values: Record<string, string> = { [PIPELINE_KEY]: pipeline };
  for (const task of TASKS) values[functionArnKey(task)] = localArn(task);
  return values;
}

/** Task and Wait states by name, Map processors included; Task states with the task their Resource names, and the Resource. */
function statesOf(definition: AslDefinition, into: { tasks: Map<string, { task: TaskName; resource: string }>; waits: string[] } = { tasks: new Map(), waits: [] }) {
  for (const [name, state] of Object.entries(definition.States) as [string, AslState][]) {
    if (state.Type === 'Task') {
      const task = taskOfResource(state.Resource);
      if (!task) throw new Error(`state "${name}" calls ${String(state.Resource)}, which is not a sluice task`);
      into.tasks.set(name, { task, resource: String(state.Resource) });
    }
    if (state.Type === 'Wait') into.waits.push(name);
    const processor = state.ItemProcessor as AslDefinition | undefined;
    if (processor) statesOf(processor, into);
  }
  return into;
}

/**
 * Runs sluice's generated ASL, unchanged, on aws-local-stepfunctions with the task handlers in-process.
 * Which handler a Task state runs is read from its Resource placeholder, never listed by hand.
 */
export class LocalEngine {
  private readonly machines = new Map<string, StateMachine>();
  private readonly ctx: TaskContext;
  private readonly scope = new ExecutionScope();
  readonly claims: MemoryClaims;

  constructor(
    ctx: TaskContext,
    private readonly options: EngineOptions = {},
  ) {
    // SLUICE_CHECK_CLAIMS=1 (the tests set it): every value handed on in process is checked to be JSON as it is, and frozen
    this.claims = new MemoryClaims(ctx.claims ?? s3Claims(ctx), this.scope.claims, { keepTexts: options.keepClaims ?? false, check: process.env.SLUICE_CHECK_CLAIMS === '1' });
    this.ctx = {
      ...ctx,
      claims: this.claims,
      ...(options.skipWaits ? { now: this.scope.now } : {}),
      // an object's chunk executions, as StartExecution would start them: not waited for by the split
      startChunk: async (chunk, name) => this.scope.start(ctx.config.limits.chunkConcurrency, () => this.run('s3-chunk', chunk.pipeline, chunk, { name })),
    };
  }

  /** The definition a pipeline's state machine runs: the rendered ASL with its substitutions applied. */
  definitionFor(workflow: MachineName, pipeline: string): AslDefinition {
    return JSON.parse(substitute(renderAsl(workflows[workflow]), substitutions(pipeline))) as AslDefinition;
  }

  private machine(workflow: MachineName, pipeline: string): StateMachine {
    const key = `${workflow}/${pipeline}`;
    let machine = this.machines.get(key);
    if (!machine) {
      // the constructor validates (asl-validator): build once per definition and reuse
      machine = new StateMachine(this.definitionFor(workflow, pipeline) as never, { validationOptions: { checkArn: true, checkPaths: true } });
      this.machines.set(key, machine);
    }
    return machine;
  }

  private overrides(workflow: MachineName, pipeline: string, machineName: string): RunOptions['overrides'] {
    const { tasks: taskStates, waits } = statesOf(workflows[workflow]);
    type Handlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
    const taskResourceLocalHandlers: Handlers = {};
    const values = substitutions(pipeline);
    for (const [name, { task, resource }] of taskStates) {
      // the ARN the function is invoked by, as AWS would give it (a pipeline's alias names the pipeline)
      const invokedFunctionArn = substitute(resource, values);
      taskResourceLocalHandlers[name] = (given) => {
        const input = withinStateLimit(given, name, machineName, 'input');
        // deliver after the loop's Wait: the skipped wait still counts on the execution's clock
        const retry = task === 'deliver' ? (input as { batch?: { retry?: { attempt?: number; delaySeconds?: number } } }).batch?.retry : undefined;
        if (this.options.skipWaits && retry?.attempt) this.scope.skip(retry.delaySeconds ?? 0);
        const { observer } = this.options;
        const result = observer ? observer.task(task, this.ctx, (ctx) => tasks[task](input, ctx, invokedFunctionArn)) : tasks[task](input, this.ctx, invokedFunctionArn);
        return Promise.resolve(result).then((value) => withinStateLimit(value, name, machineName, 'result')) as Promise<never>;
      };
    }
    if (!this.options.skipWaits) return { taskResourceLocalHandlers };
    return {
      taskResourceLocalHandlers,
      waitTimeOverrides: Object.fromEntries(waits.map((name) => [name, 0])),
      retryIntervalOverrides: Object.fromEntries([...taskStates.keys()].map((name) => [name, 0])),
    };
  }

  /** Runs one execution to its end and returns its status, output, account report and trace. */
  async run(
    workflow: MachineName,
    pipeline: string,
    input: unknown,
    { name = crypto.randomUUID(), onEvent }: { name?: string; onEvent?: (event: TraceEvent) => void } = {},
  ): Promise<ExecutionResult> {
    const started = Date.now();
    const ran = performance.now();
    const machineName = `sluice-${workflow}-${pipeline}`;
    checkExecutionInput(input, machineName);
    const executionArn = `arn:aws:states:us-east-1:000000000000:express:${machineName}:${name}`;
    const context = {
      Execution: { Id: executionArn, Name: name, Input: input, StartTime: new Date(started).toISOString() },
      StateMachine: { Id: `arn:aws:states:us-east-1:000000000000:stateMachine:${machineName}`, Name: machineName },
    };
    const { value: execution, children, claims } = this.scope.run(() =>
      this.machine(workflow, pipeline).run(input as never, { overrides: this.overrides(workflow, pipeline, machineName), context: context as never }),
    );
    const events: TraceEvent[] = [];
    const logging = (async () => {
      for await (const event of execution.eventLogs) {
        events.push(event as TraceEvent);
        onEvent?.(event as TraceEvent);
      }
    })();
    const base = { workflow, pipeline, executionArn, startedAt: context.Execution.StartTime };
    let result: ExecutionResult;
    try {
      const output = await load(await execution.result, this.ctx);
      result = { ...base, status: 'SUCCEEDED', output, events, durationMs: 0 };
    } catch (error) {
      const cause = (error as { cause?: Error & { cause?: unknown } }).cause;
      result = {
        ...base,
        status: 'FAILED',
        error: cause?.name ?? (error as Error).name,
        cause: typeof cause?.cause === 'string' ? cause.cause : (cause?.message ?? (error as Error).message),
        events,
        durationMs: 0,
      };
    }
    await logging;
    this.options.observer?.executionRan?.(performance.now() - ran);
    // a caught failure of the account step exits it too, with the error as output: that is no account
    const exited = events.find((event) => event.type === 'StateExited' && (event.state?.name === Names.account || event.state?.name === Names.accountChunk));
    const account = exited?.state?.output;
    try {
      if (AccountResult.is(account)) result.account = { ...account, response: await load(account.response, this.ctx) };
    } finally {
      if (this.options.keepClaims) result.claimed = this.claims.texts(claims);
      this.claims.release(claims);
    }
    // an object's chunk executions run on after its own; it ends, for its caller, when they have
    const chunks = (await Promise.all(children)) as ExecutionResult[];
    // an object's run that split it into chunks (one of one chunk was accounted above, as any batch)
    const split = workflow === 's3' ? events.find((event) => event.type === 'StateExited' && event.state?.name === Names.split)?.state?.output : undefined;
    if (result.status === 'SUCCEEDED' && SplitResult.is(split)) await this.objectOutcome(result, split, chunks);
    result.durationMs = Date.now() - started;
    return result;
  }

  /**
   * What an object's run came to, once its chunk executions have ended: its ledger row (which they
   * added up), the places they wrote; FAILED when the object did, with the failing chunk's error.
   */
  private async objectOutcome(result: ExecutionResult, split: SplitResult, chunks: ExecutionResult[]): Promise<void> {
    const item = (await this.ctx.ddb.send(new GetCommand({ TableName: this.ctx.config.ledgerTable, Key: { batchId: split.batchId } }))).Item;
    const row = decodeOrThrow(LedgerRow, item, `ledger row of object ${split.batchId}`);
    if (!row.counts) throw new Error(`object ${split.batchId} has no counts in its ledger row after its chunks ended`);
    const outputs: Record<string, string[]> = {};
    for (const chunk of chunks) for (const [sink, places] of Object.entries(chunk.account?.outputs ?? {})) outputs[sink] = [...new Set([...(outputs[sink] ?? []), ...places])].sort();
    const partitions = new Set(Object.values(outputs).flat().map((place) => /event_type=.*\/hour=\d+/.exec(place)?.[0]).filter(Boolean)).size;
    result.chunks = chunks;
    result.account = { pipeline: result.pipeline, workflow: 's3', batchId: split.batchId, status: row.status, counts: row.counts, partitions, outputs, response: null };
    if (row.status !== 'SUCCEEDED' && row.status !== 'BACKED_UP') {
      result.status = 'FAILED';
      result.error = row.error?.Error ?? 'Sluice.ObjectNotSettled';
      result.cause = row.error?.Cause ?? `the object's row says ${row.status} after every chunk ended`;
    }
  }
}
