import { isUtf8 } from 'node:buffer';
import { gunzipSync, inflateSync } from 'node:zlib';

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

/**
 * A zlib stream's two header bytes (RFC 1950): deflate with a 32 KiB window (0x78) and a check that
 * makes the pair a multiple of 31. CloudWatch Logs has shipped zlib payloads where gzip was expected.
 */
export const isZlib = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x78 && ((bytes[0] << 8) | bytes[1]!) % 31 === 0;

const inflated = (inflate: () => Buffer, format: string, maxBytes: number): Buffer => {
  try {
    return inflate();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new UndecodableError('inflated-too-large', `${format}: inflates to more than ${maxBytes} bytes (limits.maxInflatedBytes)`);
    }
    throw new UndecodableError(`invalid-${format}`, `${format}: ${(error as Error).message}`);
  }
};

/**
 * Inflates bytes that start with the gzip magic number or a zlib header; other bytes pass through.
 * Inflation stops at `maxBytes` of output (zlib's maxOutputLength): a small record that inflates to
 * gigabytes costs at most that much memory and is quarantined, never the batch. Text can start like a
 * zlib header (`x^`, `x\u0001`): bytes that do not inflate but are valid UTF-8 are taken as text.
 */
export function maybeInflate(bytes: Buffer, maxBytes: number): Buffer {
  if (isGzip(bytes)) return inflated(() => gunzipSync(bytes, { maxOutputLength: maxBytes }), 'gzip', maxBytes);
  if (!isZlib(bytes)) return bytes;
  try {
    return inflated(() => inflateSync(bytes, { maxOutputLength: maxBytes }), 'zlib', maxBytes);
  } catch (error) {
    if ((error as UndecodableError).code === 'invalid-zlib' && isUtf8(bytes)) return bytes;
    throw error;
  }
}

/** The UTF-8 byte order mark some writers put first; it is not part of the data. */
const BOM = [0xef, 0xbb, 0xbf] as const;

export const hasBom = (bytes: Uint8Array): boolean => bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2];

/** UTF-8 text of the bytes, without a leading byte order mark. */
export function toText(bytes: Uint8Array): string {
  if (!isUtf8(bytes)) throw new UndecodableError('invalid-utf8', 'data is not valid UTF-8');
  const start = hasBom(bytes) ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.byteLength - start).toString('utf8');
}
