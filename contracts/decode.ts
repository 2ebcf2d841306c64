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

/** io-ts's types whose decode gives back the value it was given when it is valid (children checked too). */
const IDENTITY_TAGS = new Set(['InterfaceType', 'PartialType', 'IntersectionType', 'UnionType', 'ArrayType', 'DictionaryType', 'KeyofType', 'LiteralType', 'StringType', 'NumberType', 'BooleanType', 'UnknownType', 'AnyDictionaryType', 'AnyArrayType', 'NullType', 'UndefinedType']);
const identityCodecs = new WeakSet<t.Mixed>();

/**
 * The first part of `codec` whose decode may change or reject what its guard accepts (a refinement, `t.exact`,
 * a `new t.Type`, a record keyed by anything but strings, which decode strips of other keys), by name.
 */
function notIdentity(codec: t.Mixed): string | undefined {
  const node = codec as t.Mixed & { _tag?: string; props?: t.Props; types?: t.Mixed[]; type?: t.Mixed; domain?: t.Mixed & { _tag?: string }; codomain?: t.Mixed };
  const refused = !node._tag || !IDENTITY_TAGS.has(node._tag) || (node._tag === 'DictionaryType' && node.domain?._tag !== 'StringType');
  if (refused) return codec.name || '(unnamed)';
  const children = [...Object.values(node.props ?? {}), ...(node.types ?? []), ...(node._tag === 'ArrayType' ? [node.type!] : []), ...(node.domain ? [node.codomain!] : [])];
  for (const child of children) {
    const found = notIdentity(child);
    if (found) return found;
  }
  return undefined;
}

/**
 * `decodeOrThrow` for a codec built only of io-ts's plain types (type, partial, intersection, union, array,
 * record by string, keyof, literal, primitives): on such a codec a valid value decodes to itself, so the guard,
 * which allocates nothing, answers alone, and decode runs only to name the failing paths (a missing key whose
 * codec takes undefined fails the guard, and decode sets it, as before). A batch body of 500 records was walked
 * at every step with a result object per field. Any other codec (a refinement, `t.exact`, a `new t.Type` that
 * converts) is refused at its first use: its guard and its decode can disagree. One difference is left: an
 * array with holes, which JSON cannot make (the guard skips a hole, decode reports it).
 */
export function guardOrThrow<C extends t.Mixed>(codec: C, value: unknown, where: string): t.TypeOf<C> {
  if (!identityCodecs.has(codec)) {
    const part = notIdentity(codec);
    if (part) throw new Error(`guardOrThrow (${where}): its codec's part ${part} may decode to something else than what its guard accepts; use decodeOrThrow`);
    identityCodecs.add(codec);
  }
  return codec.is(value) ? value : decodeOrThrow(codec, value, where);
}
