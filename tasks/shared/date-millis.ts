/** What a JavaScript Date can hold: ±100,000,000 days around 1970, in milliseconds. */
export const isDateMillis = (ms: number): boolean => Number.isFinite(ms) && Math.abs(ms) <= 8.64e15;

/** What `new Date(ms).getTime()` gives (ECMAScript's TimeClip): whole milliseconds, NaN outside a Date's range; without a Date. */
export const timeClip = (ms: number): number => (isDateMillis(ms) ? Math.trunc(ms) + 0 : NaN);
