/** Durations as people write them in configuration: a number and a unit, `90s`, `30m`, `24h`, `30d`. */

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/;
/** Retention takes whole numbers with a unit only. */
const RETENTION = /^(\d{1,9})([smhd])$/;

/** Ten years: longer is keeping forever, which is the default, and it keeps times storable. */
export const MAX_RETENTION_MS = 3650 * 86_400_000;

export const RETENTION_FORMAT = 'a duration from 1s to 3650d, like "30s", "15m", "1h" or "30d"';

/** The duration in milliseconds (plain numbers are seconds), or undefined when `text` is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match?.[1]) return undefined;
  const ms = Number(match[1]) * UNIT_MS[(match[2] ?? "s") as Unit];
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

/** The retention in ms, or undefined when `text` is not a whole duration from 1 s to 3650 days. */
export function parseRetention(text: string): number | undefined {
  const match = RETENTION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as Unit];
  return ms >= 1_000 && ms <= MAX_RETENTION_MS ? ms : undefined;
}
