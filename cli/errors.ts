/** A mistake in how sluice was called: printed as `sluice: <message>`, exit code 2, no stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
