/** fal's error answers (reference B.2) as GatewayErrors; messages carry fal's words, never the key. */
import { GatewayError } from "../../core/errors.ts";

const DEFAULT_RETRY_AFTER_MS = 1_000;

/** fal's `detail`: a message, or a list of `{ loc, msg }` from a model's input checks. */
export function detailOf(body: unknown): string {
  if (typeof body !== "object" || body === null) return typeof body === "string" ? body.slice(0, 500) : "";
  const { detail, error } = body as { detail?: unknown; error?: unknown };
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) return detail.map(describeIssue).join("; ");
  return typeof error === "string" ? error : "";
}

function describeIssue(issue: unknown): string {
  const { loc, msg } = (issue ?? {}) as { loc?: unknown; msg?: unknown };
  const path = Array.isArray(loc) ? loc.filter((part) => part !== "body").join(".") : "";
  const message = typeof msg === "string" ? msg : JSON.stringify(issue);
  return path ? `${path}: ${message}` : message;
}

export function retryAfterMs(headers: Headers): number {
  const value = headers.get("retry-after");
  if (value === null) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(0, date - Date.now());
}

export function upstreamError(status: number, headers: Headers, body: unknown, what: string): GatewayError {
  const detail = detailOf(body);
  const said = detail ? `: ${detail}` : "";
  const options = { providerDetail: detail || `HTTP ${status}` };
  if (status === 401 || status === 403)
    return new GatewayError("provider_error", `fal refused the API key (${status}) while ${what}`, {
      ...options,
      retryable: false,
    });
  if (status === 422) return new GatewayError("invalid_input", `fal rejected the input${said}`, options);
  if (status === 429)
    return new GatewayError("rate_limited", `fal is rate limiting (${what})${said}`, {
      ...options,
      retryAfterMs: retryAfterMs(headers),
    });
  if (status === 504 && headers.get("x-fal-request-timeout-type") === "user")
    return new GatewayError("timeout", `fal: the request did not start in time${said}`, {
      ...options,
      retryable: false,
    });
  if (status >= 500) {
    const code =
      status === 502 || status === 503 || status === 504 ? "provider_unavailable" : "provider_error";
    return new GatewayError(code, `fal answered ${status} while ${what}${said}`, options);
  }
  return new GatewayError("provider_error", `fal answered ${status} while ${what}${said}`, {
    ...options,
    retryable: false,
  });
}

export function transportError(cause: unknown, what: string): GatewayError {
  const timedOut = cause instanceof Error && cause.name === "TimeoutError";
  const reason = timedOut ? "no answer in time" : cause instanceof Error ? cause.message : String(cause);
  return new GatewayError(timedOut ? "timeout" : "provider_unavailable", `fal: ${reason} while ${what}`, {
    cause,
  });
}
