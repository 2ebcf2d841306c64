/** A value safe inside a Hive partition path segment. */
export const partitionValue = (value: string): string =>
  value
    .replace(/[^A-Za-z0-9_.-]/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100) || '_';
