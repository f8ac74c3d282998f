/**
 * What an upstream's answer says about its rate limit: how long to wait after a 429 (one rule for
 * every provider) and what is left of the budget (`ratelimit-remaining` / `ratelimit-reset`, which
 * the engine's token bucket learns from, core/adaptive-limit.ts).
 */
import type { UpstreamBudget } from "../../core/rate-limiter.ts";

/** When an upstream's 429 says nothing about when to try again. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** What the body of a 429 said, for upstreams that say it there rather than in a header. */
export interface RetryHints {
  /** A number of seconds (Replicate's `retry_after`). */
  seconds?: number | undefined;
  /** A message that may say "~7s" or "in 2 seconds". */
  text?: string | undefined;
}

/** Seconds as ms, or undefined when absent, unreadable or negative. */
function secondsMs(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number * 1000 : undefined;
}

/** `Retry-After` in ms (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterHeaderMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait after a 429: `Retry-After` (seconds or a date), then the seconds the body
 * gave, then "~Ns" / "N seconds" in its message, then `ratelimit-reset`, else `fallbackMs`.
 */
export function retryAfterMs(
  headers: Headers,
  hints: RetryHints = {},
  fallbackMs = DEFAULT_RETRY_AFTER_MS,
  now = Date.now(),
): number {
  const fromHeader = retryAfterHeaderMs(headers, now);
  if (fromHeader !== undefined) return fromHeader;
  if (hints.seconds !== undefined && hints.seconds >= 0) return hints.seconds * 1000;
  const inText = /~\s*(\d+(?:\.\d+)?)\s*s\b|(\d+(?:\.\d+)?)\s*seconds?\b/.exec(hints.text ?? "");
  return secondsMs(inText?.[1] ?? inText?.[2]) ?? secondsMs(headers.get("ratelimit-reset")) ?? fallbackMs;
}

/**
 * What `ratelimit-remaining` and `ratelimit-reset` say, when an answer has both, of a request
 * sent at `sentAt`.
 */
export function upstreamBudgetOf(
  headers: Headers,
  sentAt: number,
  now = Date.now(),
): UpstreamBudget | undefined {
  const remaining = Number(headers.get("ratelimit-remaining")?.trim() || Number.NaN);
  const resetMs = secondsMs(headers.get("ratelimit-reset"));
  if (!Number.isInteger(remaining) || remaining < 0 || resetMs === undefined) return undefined;
  return { remaining, resetMs, ageMs: Math.max(0, now - sentAt) };
}
