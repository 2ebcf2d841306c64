import { hash } from 'node:crypto';

/** The deterministic id of a record: sha256 of its source coordinates, hex. One-shot `hash` is ~2x createHash. */
export function recordId(coordinates: string): string {
  return hash('sha256', coordinates, 'hex');
}

/** A short stable digest for object names. */
export function digest(text: string, length = 16): string {
  return hash('sha256', text, 'hex').slice(0, length);
}
