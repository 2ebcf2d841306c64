import type { WorkflowName } from '../contracts/batch.ts';
import { choice, task, waitFor, type Transition } from './asl/states.ts';
import type { AslState, Catcher, Json } from './asl/types.ts';
import { MAX_REDELIVERY_WAIT_SECONDS, REDELIVER_UNTIL_SECONDS, TASK_TIMEOUT_SECONDS } from '../contracts/timing.ts';
import { catchAll, transientRetry } from './policy.ts';
import type { TaskName } from '../contracts/timing.ts';
import { pipelineResourceOf, resourceOf } from './resources.ts';

/** The state names a console user reads; one place, so every workflow says the same. */
export const Names = {
  decode: 'Decode records',
  validate: 'Validate records',
  enrich: 'Enrich records',
  deliver: 'Deliver to sinks',
  retry: 'Any deliveries to retry?',
  wait: 'Wait before redelivery',
  backup: 'Back up failed and quarantined records',
  account: 'Account for every record',
  split: 'Read object, split it if over one chunk',
  oneChunk: 'One chunk or several?',
  decodeChunk: 'Decode chunk',
  accountChunk: 'Account for chunk',
  backupInput: 'Back up whole input',
  backupBatchInput: "Back up the batch's input",
  failed: 'Ingest failed',
  notBackedUp: 'Input not backed up',
} as const;

export interface ChainOptions {
  /** Where a task's unrecoverable error goes; absent inside a Map, whose own Catch takes it. */
  catchTo?: string;
  /**
   * Where a task after decode sends its unrecoverable error instead, in its batch (CAUGHT), when the batch
   * carries its execution input: the backup then takes the input by reference, not `$$.Execution.Input` with
   * the error, which for an input near the payload limit would be over it.
   */
  catchDecodedTo?: string;
  /**
   * How decode learns its pipeline: from Parameters around the trigger's input, or, with `alias`, from the
   * pipeline's alias of its function, the input handed over as it came (a Pipes batch may fill the payload
   * limit: Parameters around it would take it over).
   */
  decode: { parameters: Record<string, Json> } | { alias: true };
  decodeComment: string;
  decodeName?: string;
  /** The decode state's own limit, when it does more than decode (an S3 object's split). */
  decodeTimeoutSeconds?: number;
  /** After decode, when not straight on to validate. */
  afterDecode?: string;
  accountName?: string;
  /** After account. */
  then: Transition;
}

/**
 * Where a task after decode puts its error when caught (`catchDecodedTo`): in place of its batch's body, the
 * one field that can be large (up to `claimCheckBytes`), so the batch with the error stays within the payload
 * limit, whatever the error's size (a Lambda's Cause may be 32 KB), and keeps the input it carries.
 */
export const CAUGHT = '$.body';

/**
 * Account's Parameters: the batch, which carries its execution input (by claim check when large), and the
 * execution's id for its ledger row. Not `$$.Execution.Input`: beside a batch it would take the state past
 * the payload limit (a Pipes batch of 300 S4 events: 223 KB in, 301 KB at account).
 */
const accountParameters: Record<string, Json> = { 'batch.$': '$', 'execution.$': '$$.Execution.Id' };

/**
 * decode -> validate -> enrich -> deliver -> (bounded redelivery loop over only the failed records)
 * -> backup when anything failed or was quarantined -> account.
 */
export function recordChain(workflow: WorkflowName, o: ChainOptions): [string, AslState][] {
  const catchesOf = (name: TaskName): Catcher[] | undefined => {
    if (name !== 'decode' && o.catchDecodedTo) return catchAll(o.catchDecodedTo, CAUGHT);
    return o.catchTo ? catchAll(o.catchTo) : undefined;
  };
  const call = (name: TaskName, comment: string, to: Transition, parameters?: Record<string, Json>, timeoutSeconds = TASK_TIMEOUT_SECONDS[name], resource = resourceOf(name)): AslState => {
    const catches = catchesOf(name);
    return task(
      {
        comment,
        resource,
        ...(parameters ? { parameters } : {}),
        timeoutSeconds,
        retry: transientRetry,
        ...(catches ? { catch: catches } : {}),
      },
      to,
    );
  };
  const decodeName = o.decodeName ?? Names.decode;
  const accountName = o.accountName ?? Names.account;
  return [
    [
      decodeName,
      'alias' in o.decode
        ? call('decode', o.decodeComment, { next: o.afterDecode ?? Names.validate }, undefined, o.decodeTimeoutSeconds, pipelineResourceOf('decode'))
        : call('decode', o.decodeComment, { next: o.afterDecode ?? Names.validate }, o.decode.parameters, o.decodeTimeoutSeconds),
    ],
    [Names.validate, call('validate', 'Check each record against the schema of its event type; quarantine what fails, with every error', { next: Names.enrich })],
    [Names.enrich, call('enrich', 'Add record id, timestamps, partition keys and business rules', { next: Names.deliver })],
    [
      Names.deliver,
      call('deliver', `Write records to the pipeline's sinks by their ids (idempotent; the lake's objects staged until account); failures come back per record`, { next: Names.retry }, {
        'batch.$': '$',
        'startedAt.$': '$$.Execution.StartTime',
      }),
    ],
    [
      Names.retry,
      choice(
        `Retry only the records a sink failed, until the pipeline's retry duration runs out (never after ${REDELIVER_UNTIL_SECONDS} s of the execution); then back up what is left`,
        [
          {
            rule: {
              And: [
                { Variable: '$.counts.failed', NumericGreaterThan: 0 },
                { Variable: '$.retry.again', BooleanEquals: true },
                { Variable: '$.retry.elapsedSeconds', NumericLessThan: REDELIVER_UNTIL_SECONDS },
                { Variable: '$.retry.delaySeconds', NumericLessThanEquals: MAX_REDELIVERY_WAIT_SECONDS },
              ],
            },
            next: Names.wait,
          },
          {
            rule: { Or: [{ Variable: '$.counts.failed', NumericGreaterThan: 0 }, { Variable: '$.counts.quarantined', NumericGreaterThan: 0 }] },
            next: Names.backup,
          },
        ],
        accountName,
      ),
    ],
    [Names.wait, waitFor('Exponential backoff with full jitter, computed by deliver', '$.retry.delaySeconds', { next: Names.deliver })],
    [Names.backup, call('backup', `Write failed and quarantined records to the backup bucket (errors/…/<reason>/); decode kept the ${workflow} input for redrive`, { next: accountName }, { 'batch.$': '$' })],
    [accountName, call('account', 'Check in = delivered + quarantined + dropped + backedUp, write the ledger row, shape the reply', o.then, accountParameters)],
  ];
}
