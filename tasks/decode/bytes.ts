import { gunzipSync } from 'node:zlib';

import { isUtf8 } from 'node:buffer';

/** Why a unit could not be decoded; `code` becomes the quarantine reason. */
export class UndecodableError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Strict base64. Buffer.from silently skips characters that are not base64, which would corrupt data:
 * a skipped character shows as fewer bytes than the length promises (an O(1) check, not a regex).
 */
export function fromBase64(data: string): Buffer {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  const bytes = data.length % 4 === 0 ? Buffer.from(data, 'base64') : undefined;
  if (!bytes || bytes.length !== (data.length / 4) * 3 - padding) {
    throw new UndecodableError('invalid-base64', `data is not base64 (${data.length} characters)`);
  }
  return bytes;
}

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Gunzips bytes that start with the gzip magic number; other bytes pass through. */
export function maybeGunzip(bytes: Buffer): Buffer {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new UndecodableError('invalid-gzip', `gzip: ${(error as Error).message}`);
  }
}

export function toText(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new UndecodableError('invalid-utf8', 'data is not valid UTF-8');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}
