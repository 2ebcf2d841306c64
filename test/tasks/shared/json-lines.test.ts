import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonLines } from '../../../tasks/shared/json-lines.ts';

describe('jsonLines', () => {
  it('is each value serialised on a line of its own, as UTF-8, whatever the characters', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 20 }), (values) => {
        const expected = values.map((value) => `${JSON.stringify(value)}\n`).join('');
        expect(jsonLines(values).toString('utf8')).toBe(expected);
        expect(jsonLines(values).length).toBe(Buffer.byteLength(expected));
      }),
    );
    const text = jsonLines([{ city: 'Zürich', mood: '😀' }, '\ud800', 'line\nbreak']).toString('utf8');
    expect(text).toBe('{"city":"Zürich","mood":"😀"}\n"\\ud800"\n"line\\nbreak"\n');
  });

  it('writes what its line function makes of each value, and nothing for no values', () => {
    expect(jsonLines([{ data: { a: 1 } }, { data: { b: 'é' } }], (record) => JSON.stringify(record.data)).toString()).toBe('{"a":1}\n{"b":"é"}\n');
    expect(jsonLines([])).toHaveLength(0);
  });
});
