import { UndecodableError } from './bytes.ts';

/** Where JSON text held an integer a JSON number cannot hold exactly: its digits as written. */
export class InexactInteger {
  constructor(readonly source: string) {}
}

/**
 * What makes a parsed value unfit to go on, found in one bounded walk (it stops at the first problem):
 * nesting deeper than `max`, a number JSON.parse made Infinity (`1e400`), which JSON would write back as
 * null, or an integer JSON.parse rounded (`12345678901234567891`, written back as `12345678901234567000`),
 * which only text parsed with `exact` shows (an InexactInteger); parsed without, a number beyond 2^53 is
 * `large-number`: its text must be parsed again, exact, to tell.
 */
export function shapeProblem(value: unknown, max: number, exact: boolean, depth = 0): 'too-deep' | 'non-finite-number' | 'inexact-integer' | 'large-number' | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'non-finite-number';
    return exact || (value <= Number.MAX_SAFE_INTEGER && value >= -Number.MAX_SAFE_INTEGER) ? undefined : 'large-number';
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (value instanceof InexactInteger) return 'inexact-integer';
  if (depth >= max) return 'too-deep';
  // for…in, not Object.values: this runs for every field of every record, and allocates nothing
  for (const key in value) {
    const problem = shapeProblem((value as Record<string, unknown>)[key], max, exact, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/** The first InexactInteger in a value (a record shapeProblem found one in). */
export function firstInexact(value: unknown): InexactInteger | undefined {
  if (value instanceof InexactInteger) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const key in value) {
    const found = firstInexact((value as Record<string, unknown>)[key]);
    if (found) return found;
  }
  return undefined;
}

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };

/** The first character that is not JSON white space (no copy of the text, unlike trim). */
function firstSignificant(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return text[i];
  }
  return undefined;
}

/** The integer JSON writes for a number beyond 2^53 (`1e+23` is 10^23), as a BigInt. */
function writtenInteger(value: number): bigint {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  return BigInt(whole + fraction) * 10n ** BigInt(Number(exponent) - fraction.length);
}

/**
 * Whether a number's source is the number JSON writes back for it: `-39503776382850170` (a double written by
 * JSON.stringify) and `100000000000000000000000` (written back as `1e+23`, the same number) are, and
 * `12345678901234567891` (written back as `12345678901234567000`) is not. A fraction or an exponent in the
 * source is a double's to round, as JSON numbers are; one too large for a double is the non-finite check's.
 */
const exactly = (source: string, value: number): boolean => !/^-?\d+$/.test(source) || !Number.isFinite(value) || BigInt(source) === writtenInteger(value);

/**
 * JSON.parse; `exact`, with a reviver that reads each number's source (Node 22): an integer literal
 * JSON.parse rounded, which JSON would write back as another, becomes an InexactInteger, for shapeProblem
 * to find in its record. Only for text that holds a number beyond 2^53: it parses at a third of the speed.
 */
function parseJson(text: string, exact: boolean): unknown {
  // no run of 16 digits, no integer literal beyond 2^53 (2^53 has 16): the large number is a double, as written
  if (!exact || !/\d{16}/.test(text)) return JSON.parse(text);
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && !exactly(context.source, value) ? new InexactInteger(context.source) : value,
  );
}

/**
 * Turns a unit's text into the JSON objects it carries: one JSON value (an array fans out), JSON Lines,
 * or plain text wrapped as `{message}`; text of white space only carries none. Text that looks like JSON
 * but does not parse is undecodable. `exact`: integers JSON.parse rounds become InexactIntegers.
 */
export function parseText(text: string, exact = false): Record<string, unknown>[] {
  const first = firstSignificant(text);
  if (first === undefined) return [];
  if (first !== '{' && first !== '[') return [{ message: text }];
  try {
    const value: unknown = parseJson(text, exact);
    return Array.isArray(value) ? value.map(asObject) : [asObject(value)];
  } catch (error) {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length > 1) {
      try {
        return lines.map((line) => asObject(parseJson(line, exact)));
      } catch {
        // not JSON Lines either: report the first error below
      }
    }
    throw new UndecodableError('invalid-json', `JSON: ${(error as Error).message}`);
  }
}
