import { createHash } from 'node:crypto';

/** The deterministic id of a record: sha256 of its source coordinates, hex. */
export function recordId(coordinates: string): string {
  return createHash('sha256').update(coordinates).digest('hex');
}

/** A short stable digest for object names. */
export function digest(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}
