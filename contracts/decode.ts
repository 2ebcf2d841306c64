import * as t from 'io-ts';
import { isLeft } from 'fp-ts/lib/Either.js';
import { ErrorName, SluiceError } from './errors.ts';

/** One line per failing path, e.g. `records.0.data: expected string, got 12`. */
export function report(errors: t.Errors): string[] {
  return errors.map((error) => {
    // members of intersections and unions add index keys that are not part of the data's path:
    // a numeric key is an element only under an array or a tuple
    const path = error.context
      .filter((entry, i) => {
        const parent = (error.context[i - 1]?.type as { _tag?: string } | undefined)?._tag;
        return entry.key !== '' && (!/^\d+$/.test(entry.key) || parent === 'ArrayType' || parent === 'TupleType');
      })
      .map((entry) => entry.key)
      .join('.');
    const last = error.context[error.context.length - 1];
    const expected = error.message ?? `expected ${last?.type.name ?? 'a value'}`;
    return `${path || '(root)'}: ${expected}, got ${preview(error.value)}`;
  });
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Thrown where an input does not match its contract; `name` is what ASL Catch matches. */
export class ContractError extends SluiceError {
  override readonly name = ErrorName.InvalidInput;
  readonly retryable = false;
  constructor(
    readonly where: string,
    readonly problems: string[],
  ) {
    super(`${where} does not match its contract:\n  ${problems.slice(0, 20).join('\n  ')}`);
  }
}

/** Decodes `value` with `codec` or throws a ContractError naming `where` and every failing path. */
export function decodeOrThrow<C extends t.Mixed>(codec: C, value: unknown, where: string): t.TypeOf<C> {
  const result = codec.decode(value);
  if (isLeft(result)) throw new ContractError(where, report(result.left));
  return result.right;
}
