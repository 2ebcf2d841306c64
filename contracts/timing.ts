/**
 * The time budget of an Express execution, shared by the workflows (TimeoutSeconds, the redelivery
 * loop's guard) and the tasks (deliver's deadline). An Express execution stops hard at 300 s, and that
 * stop is seen by no Catch: no backup, no ledger row. So every path must end before it, with the
 * backup and the account step still to come; `sluice validate` checks the sum.
 */
export const EXPRESS_LIMIT_SECONDS = 300;

/** The task Lambdas a workflow may call, in the order a batch meets them. */
export const TASKS = ['decode', 'validate', 'enrich', 'deliver', 'backup', 'account'] as const;
export type TaskName = (typeof TASKS)[number];

/**
 * One attempt of each task, at most (the Task's TimeoutSeconds and the Lambda's own timeout, so no
 * attempt outlives its state). Every Task is tried at most twice (one retry of a transient failure).
 */
export const TASK_TIMEOUT_SECONDS: Record<TaskName, number> = {
  decode: 20,
  validate: 10,
  enrich: 10,
  deliver: 20,
  backup: 15,
  account: 15,
};

/** Splitting an S3 object into chunk objects streams all of it: its own, longer, limit. */
export const SPLIT_TIMEOUT_SECONDS = 60;

/** Deliver stops calling sinks this long before its timeout and reports what is left as failed, retryably. */
export const DELIVER_MARGIN_SECONDS = 4;

/**
 * The redelivery loop is entered again only while the execution has run less than this: after one
 * more wait and delivery, backup, account and the failure path still fit in the Express limit.
 */
export const REDELIVER_UNTIL_SECONDS = 140;

/** The longest wait between two deliveries (full-jitter exponential backoff, capped). */
export const MAX_REDELIVERY_WAIT_SECONDS = 16;
