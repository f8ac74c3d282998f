/**
 * The one status → error table for the answers of upstream APIs, and whether a failed request
 * may have reached the upstream. A provider maps
 * first what is its own (Replicate's invalid fields, fal's start timeout, RunPod's unknown
 * endpoint) and passes the rest here.
 *
 * An upstream refusing gengate's own credentials (401, 403) is gengate's configuration problem:
 * the client, whose gengate token is fine, gets a 502 saying so, never the upstream's 401; the
 * error names the setting to fix (never the secret) for the operator's log.
 */
import type { StatedLimit } from "../../core/adaptive-limit.ts";
import { type ErrorCode, GatewayError } from "../../core/errors.ts";

export interface Upstream {
  /** As people write it: "Replicate", "RunPod", "fal". */
  name: string;
  /** The setting holding gengate's key for it, e.g. `RUNPOD_API_KEY`. */
  keySetting: string;
  /** How long to wait after a 429 that does not say (default 1 s). */
  defaultRetryAfterMs?: number;
}

export interface UpstreamAnswer {
  status: number;
  /** What the upstream said, already free of secrets; empty when it said nothing useful. */
  detail: string;
  /** What gengate was doing, e.g. "submitting the job". */
  what: string;
  /** For a 429: how long to wait, from the answer (see rate-limit-headers.ts). */
  retryAfterMs?: number;
  /** For a 429: the limit the upstream said it holds gengate to, if it said. */
  statedLimit?: StatedLimit;
}

type Mapped = { code: ErrorCode; message: string; retryable: boolean };

function credentialsRefused(
  { name, keySetting }: Upstream,
  { status, what, detail }: UpstreamAnswer,
): Mapped {
  const refusal =
    status === 401
      ? `does not accept gengate's ${keySetting}`
      : `does not let gengate's ${keySetting} do this${detail ? ` (${detail})` : ""}`;
  return {
    code: "provider_error",
    message: `gengate is misconfigured: ${name} answered HTTP ${status} while ${what} and ${refusal}. The operator must fix ${keySetting}; nothing is wrong with your request or token`,
    retryable: false,
  };
}

interface Row {
  code: ErrorCode;
  retryable: boolean;
  /** How the message starts, before the status and what the upstream said. */
  lead(name: string, what: string): string;
}

const BY_STATUS: Record<number, Row> = {
  402: {
    code: "payment_required",
    retryable: false,
    lead: (name, what) => `${name} needs payment for ${what}`,
  },
  404: { code: "not_found", retryable: false, lead: (name, what) => `${name}: not found while ${what}` },
  409: { code: "conflict", retryable: false, lead: (name, what) => `${name}: conflict while ${what}` },
  413: {
    code: "payload_too_large",
    retryable: false,
    lead: (name, what) => `${name}: too large while ${what}`,
  },
  422: { code: "invalid_input", retryable: false, lead: (name) => `${name} rejected the input` },
  429: { code: "rate_limited", retryable: true, lead: (name, what) => `${name} throttled ${what}` },
  503: {
    code: "provider_unavailable",
    retryable: true,
    lead: (name, what) => `${name} is unavailable (${what})`,
  },
};
const SERVER_ERROR: Row = {
  code: "provider_error",
  retryable: true,
  lead: (name, what) => `${name} failed while ${what}`,
};
const REFUSED: Row = {
  code: "bad_request",
  retryable: false,
  lead: (name, what) => `${name} rejected ${what}`,
};

function byStatus({ name }: Upstream, { status, what, detail }: UpstreamAnswer): Mapped {
  const row = BY_STATUS[status] ?? (status >= 500 ? SERVER_ERROR : REFUSED);
  const said = detail ? `: ${detail}` : "";
  return {
    code: row.code,
    retryable: row.retryable,
    message: `${row.lead(name, what)} (HTTP ${status})${said}`,
  };
}

/** A non-2xx answer of `upstream` as a GatewayError. */
export function upstreamStatusError(upstream: Upstream, answer: UpstreamAnswer): GatewayError {
  const refused = answer.status === 401 || answer.status === 403;
  const { code, message, retryable } = refused
    ? credentialsRefused(upstream, answer)
    : byStatus(upstream, answer);
  return new GatewayError(code, message, {
    retryable,
    providerDetail: answer.detail || `HTTP ${answer.status}`,
    ...(refused && { configSetting: upstream.keySetting }),
    ...(answer.status === 429 && answer.retryAfterMs !== undefined && { retryAfterMs: answer.retryAfterMs }),
    ...(answer.status === 429 && answer.statedLimit !== undefined && { statedLimit: answer.statedLimit }),
  });
}

/** Connection failures that prove a request never left: nothing can have happened upstream. */
const NOT_CONNECTED = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/**
 * Whether a request that failed without an answer (`cause` as thrown by fetch or by reading the
 * body) may still have reached the upstream: anything but a connection never made.
 */
export function mayHaveArrived(cause: unknown): boolean {
  for (let error = cause; error instanceof Error; error = error.cause) {
    const codes = [error, ...(error instanceof AggregateError ? error.errors : [])].map(
      (part) => (part as { code?: unknown }).code,
    );
    if (codes.some((code) => typeof code === "string" && NOT_CONNECTED.has(code))) return false;
  }
  return true;
}
