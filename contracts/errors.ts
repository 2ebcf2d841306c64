/**
 * Error names shared by the tasks (which throw them) and the workflows (whose Retry and Catch match
 * them). A task error's `name` is exactly the ASL error string; `retryable` says whether the same call
 * may succeed later, so no workflow has to guess it from a name.
 */
export const ErrorName = {
  /** A whole call failed for a reason that may pass: throttling, 5xx, a timeout. Retried in the ASL. */
  Transient: 'Sluice.Transient',
  /** The execution input does not match its contract. Never retried. */
  InvalidInput: 'Sluice.InvalidInput',
  /** in != delivered + quarantined + dropped + backedUp. Never retried. */
  AccountingMismatch: 'Sluice.AccountingMismatch',
  /**
   * The shard's claims changed after this Kinesis batch's decode read them: another batch delivered some of its
   * records (its source's retry drops them), or a claim that some of its drops stood on was withdrawn (the retry
   * delivers them). Not retried in the ASL: its source's retry decodes again.
   */
  Overtaken: 'Sluice.Overtaken',
} as const;

/** The ASL's own error names (States Language, "Errors"). */
export const States = {
  ALL: 'States.ALL',
  Timeout: 'States.Timeout',
  /** A state's output (a task's result) or input over STATE_PAYLOAD_BYTES: it fails its execution, and no Catch takes it. */
  DataLimitExceeded: 'States.DataLimitExceeded',
} as const;

/** Errors the Lambda service raises around an invocation; AWS recommends retrying them. */
export const LambdaTransientErrors = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** The base of sluice's errors: `name` is what the ASL matches, `retryable` what it means. */
export abstract class SluiceError extends Error {
  abstract override readonly name: string;
  abstract readonly retryable: boolean;
}

export class TransientError extends SluiceError {
  override readonly name = ErrorName.Transient;
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class AccountingMismatchError extends SluiceError {
  override readonly name = ErrorName.AccountingMismatch;
  readonly retryable = false;
}

export class OvertakenError extends SluiceError {
  override readonly name = ErrorName.Overtaken;
  readonly retryable = false;
}
