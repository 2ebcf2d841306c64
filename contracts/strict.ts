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

/**
 * A union chosen by a literal field (`type` of a sink): a value is checked against the member its tag
 * names, so a typo in an S3 lake sink is reported once, as the S3 lake's, not once per member.
 */
export function tagged<M extends Record<string, t.Mixed>>(name: string, tag: string, members: M) {
  const union = t.union(Object.values(members) as unknown as [M[keyof M], M[keyof M], ...M[keyof M][]]);
  const tags = Object.keys(members);
  return new t.Type<t.TypeOf<M[keyof M]>, t.OutputOf<M[keyof M]>, unknown>(
    name,
    (u): u is t.TypeOf<M[keyof M]> => union.is(u),
    (u, context) => {
      const value = typeof u === 'object' && u !== null && !Array.isArray(u) ? (u as Record<string, unknown>)[tag] : undefined;
      const member = typeof value === 'string' && Object.hasOwn(members, value) ? members[value] : undefined;
      if (member) return member.validate(u, context);
      return t.failure(value, [...context, { key: tag, type: t.never, actual: u }], `expected ${tag} ${tags.map((x) => `"${x}"`).join(' | ')}`);
    },
    union.encode,
  );
}
