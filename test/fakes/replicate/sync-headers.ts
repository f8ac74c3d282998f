/** The `Prefer: wait[=N]` and `Cancel-After` request headers (reference/replicate.md §4.1, §4.2). */
import { badRequest } from "./problem.ts";

/**
 * How long to hold a create request, and what to echo in `Preference-Applied`. Anything but
 * `wait` or `wait=1..60` is not applied (RFC 7240: unsupported preferences are ignored).
 */
export function parsePreferWait(header: string | undefined): { ms: number; applied: string } | undefined {
  const preference = header
    ?.split(/[,;]/)
    .map((part) => part.trim())
    .find((part) => part.startsWith("wait"));
  const match = preference === undefined ? null : /^wait(?:=(\d{1,2}))?$/.exec(preference);
  if (!match || !preference) return undefined;
  const seconds = Number(match[1] ?? 60);
  return seconds >= 1 && seconds <= 60 ? { ms: seconds * 1000, applied: preference } : undefined;
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/;

/** A deadline from creation in ms (`90`, `45s`, `1h30m45s`); at least 5 s. */
export function parseCancelAfter(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = DURATION.exec(header.trim());
  const [, hours = 0, minutes = 0, seconds = 0] = match ?? [];
  const ms = (Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds)) * 1000;
  if (!match || ms < 5000) {
    throw badRequest(
      "Invalid Cancel-After header",
      `Cancel-After must be a duration of at least 5 seconds, such as "30s" or "1h30m" (got "${header}")`,
    );
  }
  return ms;
}
