/**
 * Error names shared by the tasks (which throw them) and the workflows (whose Retry and Catch match
 * them). A task error's `name` is exactly the ASL error string.
 */
export const ErrorName = {
  /** A whole call failed for a reason that may pass: throttling, 5xx, a timeout. Retried in the ASL. */
  Transient: 'Sluice.Transient',
  /** The execution input does not match its contract. Never retried. */
  InvalidInput: 'Sluice.InvalidInput',
  /** in != delivered + quarantined + dropped + backedUp. Never retried. */
  AccountingMismatch: 'Sluice.AccountingMismatch',
} as const;

/** Errors the Lambda service raises around an invocation; AWS recommends retrying them. */
export const LambdaTransientErrors = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

export class TransientError extends Error {
  override readonly name = ErrorName.Transient;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class AccountingMismatchError extends Error {
  override readonly name = ErrorName.AccountingMismatch;
}
