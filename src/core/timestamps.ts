/** The times gengate stores: whole milliseconds since 1970, up to the end of the year 9999. */

/** Later times need ISO 8601's expanded years, which clients do not read (and `Date` ends soon after). */
export const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function isTimestamp(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_TIMESTAMP_MS;
}
