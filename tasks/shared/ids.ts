import { hash } from 'node:crypto';

/** The deterministic id of a record: sha256 of its source coordinates, hex. One-shot `hash` is ~2x createHash. */
export function recordId(coordinates: string): string {
  return hash('sha256', coordinates, 'hex');
}

/** A short stable digest for object names. */
export function digest(text: string, length = 16): string {
  return hash('sha256', text, 'hex').slice(0, length);
}

/**
 * A batch id from parts the input supplies (stream, shard, invocation id, bucket): each part is cut to
 * characters safe in an S3 key segment and a DynamoDB key, so no input can steer where objects go.
 */
export const batchIdOf = (...parts: string[]): string => parts.map((part) => part.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 120)).join('.');
