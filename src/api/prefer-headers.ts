/** The `Prefer: wait[=N]` and `Cancel-After` request headers (reference/replicate.md §4.1, §4.2). */
import { GatewayError } from "../core/errors.ts";

export const DEFAULT_WAIT_SECONDS = 60;

/** Seconds to hold the request, or undefined when the client did not ask to wait. */
export function parsePreferWait(
  header: string | undefined,
): { seconds: number; applied: string } | undefined {
  if (!header) return undefined;
  const preference = header
    .split(/[,;]/)
    .map((part) => part.trim())
    .find((part) => /^wait\b/.test(part));
  if (!preference) return undefined;
  const match = /^wait(?:=(\d+))?$/.exec(preference);
  const seconds = match ? Number(match[1] ?? DEFAULT_WAIT_SECONDS) : Number.NaN;
  if (!(seconds >= 1 && seconds <= 60)) {
    throw new GatewayError(
      "bad_request",
      `Prefer header must be "wait" or "wait=N" with N from 1 to 60 (got "${preference}")`,
    );
  }
  return { seconds, applied: preference };
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/;
const MIN_CANCEL_AFTER_MS = 5_000;
/** A deadline further away than a week is no deadline a client means; it must stay a storable time. */
const MAX_CANCEL_AFTER_MS = 7 * 24 * 3_600_000;
/** How much of a refused header the error repeats. */
const SHOWN_CHARACTERS = 40;

/** A `Cancel-After` duration (`90`, `45s`, `1h30m45s`) in ms; from 5 s to 168 h. */
export function parseCancelAfter(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const match = DURATION.exec(header.trim());
  const ms = match
    ? (Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0)) * 1000
    : 0;
  if (!(ms >= MIN_CANCEL_AFTER_MS && ms <= MAX_CANCEL_AFTER_MS)) {
    const shown = header.length > SHOWN_CHARACTERS ? `${header.slice(0, SHOWN_CHARACTERS)}…` : header;
    throw new GatewayError(
      "bad_request",
      `Cancel-After must be a duration from 5s to 168h, like "30s" or "1h30m" (got "${shown}")`,
    );
  }
  return ms;
}
