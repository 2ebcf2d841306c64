/** What a JavaScript Date can hold: ±100,000,000 days around 1970, in milliseconds. */
export const isDateMillis = (ms: number): boolean => Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;
