import * as t from 'io-ts';

/**
 * An object codec that rejects fields it does not know, so a typo in a configuration fails loudly
 * instead of being ignored. `required` and `optional` are io-ts props.
 */
export function strict<R extends t.Props, O extends t.Props>(name: string, required: R, optional: O = {} as O) {
  const shape = t.intersection([t.type(required), t.partial(optional)]);
  const known = new Set([...Object.keys(required), ...Object.keys(optional)]);
  return new t.Type<t.TypeOf<typeof shape>, t.OutputOf<typeof shape>, unknown>(
    name,
    (u): u is t.TypeOf<typeof shape> => shape.is(u),
    (u, context) => {
      if (typeof u === 'object' && u !== null && !Array.isArray(u)) {
        const extra = Object.keys(u).filter((key) => !known.has(key));
        if (extra.length > 0) {
          return t.failures(
            extra.map((key) => ({
              value: (u as Record<string, unknown>)[key],
              context: [...context, { key, type: t.never, actual: u }],
              message: `unknown field (known: ${[...known].join(', ')})`,
            })),
          );
        }
      }
      return shape.validate(u, context);
    },
    shape.encode,
  );
}
