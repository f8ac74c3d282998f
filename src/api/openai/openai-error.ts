/** Errors the way OpenAI's API and clients have them: `{ error: { message, type, param, code } }`. */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorCode, GatewayError } from "../../core/errors.ts";

const TYPES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: "authentication_error",
  forbidden: "permission_error",
  not_found: "not_found_error",
  rate_limited: "rate_limit_error",
  conflict: "invalid_request_error",
  bad_request: "invalid_request_error",
  invalid_input: "invalid_request_error",
  payload_too_large: "invalid_request_error",
  unsupported_media_type: "invalid_request_error",
};

export function openAiError(c: Context, error: GatewayError): Response {
  const param = error.invalidFields?.[0]?.field ?? null;
  if (error.retryAfterMs !== undefined) c.header("retry-after", String(Math.ceil(error.retryAfterMs / 1000)));
  return c.json(
    {
      error: {
        message: error.message,
        type: TYPES[error.code] ?? "server_error",
        param,
        code: error.code,
      },
    },
    error.status as ContentfulStatusCode,
  );
}
