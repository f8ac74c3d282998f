/** Errors the way OpenAI's API and clients have them: `{ error: { message, type, param, code } }`. */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { type ErrorCode, GatewayError } from "../../core/errors.ts";

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

/** OpenAI's own codes, which a refused parameter carries as its field's type. */
const OPENAI_CODES = new Set(["unsupported_parameter", "unsupported_value", "invalid_value"]);

/** A 400 about one request parameter, named as OpenAI's `param`, with one of OpenAI's codes. */
export function paramError(
  param: string,
  message: string,
  code: "unsupported_parameter" | "unsupported_value" | "invalid_value" = "invalid_value",
): GatewayError {
  return new GatewayError("bad_request", message, {
    invalidFields: [{ type: code, field: param, description: message }],
  });
}

/** The 400 for the first thing zod found wrong in a request body, naming its param. */
export function issueError(issue: z.core.$ZodIssue | undefined): GatewayError {
  const param = paramOf(issue?.path ?? []) || "body";
  return paramError(param, `Invalid '${param}': ${issue?.message ?? "is not valid"}`);
}

/** OpenAI's spelling of a path: `messages[0].content`. */
function paramOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index > 0 ? "." : ""}${String(key)}`))
    .join("");
}

/** A parameter the model cannot honour and that the client relies on: refused, never ignored. */
export const unsupportedParam = (param: string, message: string) =>
  paramError(param, message, "unsupported_parameter");

export function openAiError(c: Context, error: GatewayError): Response {
  const field = error.invalidFields?.[0];
  if (error.retryAfterMs !== undefined) c.header("retry-after", String(Math.ceil(error.retryAfterMs / 1000)));
  return c.json(
    {
      error: {
        message: error.message,
        type: TYPES[error.code] ?? "server_error",
        param: field?.field ?? null,
        code: field && OPENAI_CODES.has(field.type) ? field.type : error.code,
      },
    },
    error.status as ContentfulStatusCode,
  );
}

/** The response header naming the parameters gengate left out because they only tune the answer. */
export const DROPPED_PARAMS_HEADER = "x-gengate-dropped-params";

export function reportDropped(c: Context, dropped: readonly string[]): void {
  if (dropped.length > 0) c.header(DROPPED_PARAMS_HEADER, [...new Set(dropped)].join(", "));
}
