const NEWLINE = 0x0a;

/** True when bytes[start, end) hold only spaces, tabs and carriage returns. */
export function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

/** Calls `each(start, end, lineIndex)` for every line of `bytes` (without its newline). */
export function forEachLine(bytes: Uint8Array, each: (start: number, end: number, index: number) => void): void {
  let start = 0;
  let index = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NEWLINE, start);
    if (end === -1) end = bytes.length;
    each(start, end, index++);
    start = end + 1;
  }
}

/** How many lines of `bytes` are not blank: the records a chunk holds. */
export function countLines(bytes: Uint8Array): number {
  let count = 0;
  forEachLine(bytes, (start, end) => {
    if (!isBlank(bytes, start, end)) count++;
  });
  return count;
}

/** How many newlines `bytes` holds: lines the next chunk starts after. */
export function countNewlines(bytes: Uint8Array): number {
  let count = 0;
  let at = bytes.indexOf(NEWLINE);
  while (at !== -1) {
    count++;
    at = bytes.indexOf(NEWLINE, at + 1);
  }
  return count;
}
