/** Errors as `application/problem+json`, Replicate's shape (reference/replicate.md §6.1). */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ERROR_STATUS, type ErrorCode, GatewayError } from "../core/errors.ts";

const TITLES: Record<ErrorCode, string> = {
  bad_request: "Bad request",
  unauthenticated: "Unauthenticated",
  payment_required: "Payment required",
  forbidden: "Forbidden",
  not_found: "Not found",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  range_not_satisfiable: "Range not satisfiable",
  unsupported_media_type: "Unsupported media type",
  invalid_input: "Input validation failed",
  rate_limited: "Too many requests",
  internal: "Internal error",
  provider_error: "Provider error",
  provider_unavailable: "Provider unavailable",
  timeout: "Timeout",
};

/** The error code of an HTTP status (`internal` for one gengate does not use). */
export function codeOfStatus(status: number): ErrorCode {
  const found = Object.entries(ERROR_STATUS).find(([, s]) => s === status);
  return (found?.[0] as ErrorCode | undefined) ?? "internal";
}

export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof HTTPException) return new GatewayError(codeOfStatus(error.status), error.message);
  return GatewayError.from(error);
}

export function problem(c: Context, error: GatewayError): Response {
  const body: Record<string, unknown> = {
    title: TITLES[error.code],
    detail: error.message,
    status: error.status,
  };
  if (error.invalidFields) body.invalid_fields = error.invalidFields;
  if (error.refusedBy) body.refused_by = error.refusedBy;
  if (error.retryAfterMs !== undefined) c.header("Retry-After", String(Math.ceil(error.retryAfterMs / 1000)));
  c.header("Content-Type", "application/problem+json");
  return c.body(JSON.stringify(body), error.status as ContentfulStatusCode);
}
