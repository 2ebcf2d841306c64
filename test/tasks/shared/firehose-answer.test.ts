import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { answerBytes, okFitsAlone, RESPONSE_FRAME_BYTES, transformData, transformDataLength } from '../../../tasks/shared/firehose-answer.ts';

describe('the size of a transform-mode answer, without making it', () => {
  it('is the length of the data it would make, whatever the records hold', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ data: fc.dictionary(fc.string(), fc.jsonValue()) }, { requiredKeys: [] }), { maxLength: 12 }), (records) => {
        expect(transformDataLength(records)).toBe(transformData(records).length);
      }),
    );
    expect(transformDataLength([{ data: { city: 'Zürich', mood: '😀' } }, {}])).toBe(transformData([{ data: { city: 'Zürich', mood: '😀' } }, {}]).length);
  });

  it('fits alone exactly when the answer and the response around it are within the limit', () => {
    const data = transformData([{ data: { message: 'x'.repeat(1000) } }]);
    const needed = RESPONSE_FRAME_BYTES + answerBytes({ recordId: 'r-1', result: 'Ok', data });
    expect(okFitsAlone('r-1', data.length, needed)).toBe(true);
    expect(okFitsAlone('r-1', data.length, needed - 1)).toBe(false);
  });
});
