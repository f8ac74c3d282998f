/** Durations as people write them for retention: a whole number and a unit, `30s`, `15m`, `1h`, `30d`. */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d{1,9})([smhd])$/;
/** Ten years: longer is keeping forever, which is the default, and it keeps times storable. */
export const MAX_RETENTION_MS = 3650 * 86_400_000;

export const RETENTION_FORMAT = 'a duration from 1s to 3650d, like "30s", "15m", "1h" or "30d"';

/** The duration in ms, or undefined when `text` is not one from 1 s to 3650 days. */
export function parseRetention(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * (UNIT_MS[match[2] ?? ""] ?? 0);
  return ms >= 1_000 && ms <= MAX_RETENTION_MS ? ms : undefined;
}
