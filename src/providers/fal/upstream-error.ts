/** fal's error answers (reference B.2) as GatewayErrors; messages carry fal's words, never the key. */
import { GatewayError } from "../../core/errors.ts";
import { retryAfterMs } from "../toolkit/rate-limit-headers.ts";
import { type Upstream, upstreamStatusError } from "../toolkit/upstream-errors.ts";

export const FAL: Upstream = { name: "fal", keySetting: "FAL_KEY" };

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

export function upstreamError(status: number, headers: Headers, body: unknown, what: string): GatewayError {
  const detail = detailOf(body);
  if (status === 504 && headers.get("x-fal-request-timeout-type") === "user")
    return new GatewayError(
      "timeout",
      `fal: the request did not start in time${detail ? `: ${detail}` : ""}`,
      {
        providerDetail: detail || `HTTP ${status}`,
        retryable: false,
      },
    );
  return upstreamStatusError(FAL, {
    status,
    detail,
    what,
    retryAfterMs: retryAfterMs(headers, { text: detail }),
  });
}
