import { describe, expect, it } from 'vitest';
import { conditionLines, conditionText } from '../../workflows/choice-condition.ts';

describe('Choice conditions as text', () => {
  it('writes each comparison with its operator, And / Or / Not composed, a top-level And one operand a line', () => {
    const rule = {
      And: [
        { Variable: '$.counts.failed', NumericGreaterThan: 0 },
        { Or: [{ Variable: '$.kind', StringEquals: 'a' }, { Not: { Variable: '$.retry.again', BooleanEquals: true } }] },
        { Variable: '$.retry.elapsedSeconds', NumericLessThanPath: '$.limit' },
        { Variable: '$.note', IsPresent: false },
      ],
    };
    expect(conditionText(rule)).toBe('$.counts.failed > 0 and ($.kind == "a" or not $.retry.again == true) and $.retry.elapsedSeconds < $.limit and $.note is absent');
    expect(conditionLines(rule)).toStrictEqual(['$.counts.failed > 0', 'and ($.kind == "a" or not $.retry.again == true)', 'and $.retry.elapsedSeconds < $.limit', 'and $.note is absent']);
    expect(conditionLines({ Variable: '$.at', TimestampGreaterThanEquals: '2026-01-01T00:00:00Z' })).toStrictEqual(['$.at >= "2026-01-01T00:00:00Z"']);
  });

  it('says which rule it cannot write, never a blank label', () => {
    expect(() => conditionText({ Variable: '$.x', NumericAlmostEquals: 1 })).toThrow('a Choice rule on $.x has no comparison sluice knows: {"Variable":"$.x","NumericAlmostEquals":1}');
  });
});
