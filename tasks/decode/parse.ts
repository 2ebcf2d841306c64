import { UndecodableError } from './bytes.ts';

/**
 * What makes a parsed value unfit to go on, found in one bounded walk (it stops at the first problem):
 * nesting deeper than `max`, or a number JSON.parse made Infinity (`1e400`), which JSON would write back as null.
 */
export function shapeProblem(value: unknown, max: number, depth = 0): 'too-deep' | 'non-finite-number' | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'non-finite-number';
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= max) return 'too-deep';
  // for…in, not Object.values: this runs for every field of every record, and allocates nothing
  for (const key in value) {
    const problem = shapeProblem((value as Record<string, unknown>)[key], max, depth + 1);
    if (problem) return problem;
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

/**
 * Turns a unit's text into the JSON objects it carries: one JSON value (an array fans out), JSON Lines,
 * or plain text wrapped as `{message}`; text of white space only carries none. Text that looks like JSON
 * but does not parse is undecodable.
 */
export function parseText(text: string): Record<string, unknown>[] {
  const first = firstSignificant(text);
  if (first === undefined) return [];
  if (first !== '{' && first !== '[') return [{ message: text }];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.map(asObject) : [asObject(value)];
  } catch (error) {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    if (lines.length > 1) {
      try {
        return lines.map((line) => asObject(JSON.parse(line)));
      } catch {
        // not JSON Lines either: report the first error below
      }
    }
    throw new UndecodableError('invalid-json', `JSON: ${(error as Error).message}`);
  }
}
