import { gunzipSync } from 'node:zlib';

const base64Shape = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Why a unit could not be decoded; `code` becomes the quarantine reason. */
export class UndecodableError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Strict base64: Buffer.from silently skips characters that are not base64, which would corrupt data. */
export function fromBase64(data: string): Buffer {
  if (data.length % 4 !== 0 || !base64Shape.test(data)) {
    throw new UndecodableError('invalid-base64', `data is not base64 (${data.length} characters)`);
  }
  return Buffer.from(data, 'base64');
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
  try {
    return utf8.decode(bytes);
  } catch {
    throw new UndecodableError('invalid-utf8', 'data is not valid UTF-8');
  }
}
