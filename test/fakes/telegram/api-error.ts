/**
 * Bot API failures as Telegram words them: `{ok:false, error_code, description, parameters?}`, with
 * the HTTP status equal to `error_code`. Texts are Telegram's where they are known (reference C.1).
 */
import type { ResponseParameters } from "grammy/types";

export class ApiError extends Error {
  readonly code: number;
  readonly parameters: ResponseParameters | undefined;

  constructor(code: number, description: string, parameters?: ResponseParameters) {
    super(description);
    this.code = code;
    this.parameters = parameters;
  }

  body(): Record<string, unknown> {
    return {
      ok: false,
      error_code: this.code,
      description: this.message,
      ...(this.parameters && { parameters: this.parameters }),
    };
  }
}

export const badRequest = (detail: string) => new ApiError(400, `Bad Request: ${detail}`);
export const unauthorized = () => new ApiError(401, "Unauthorized");
export const blocked = () => new ApiError(403, "Forbidden: bot was blocked by the user");
export const notFound = () => new ApiError(404, "Not Found");
export const methodNotFound = () => new ApiError(404, "Not Found: method not found");
export const conflict = (detail: string) => new ApiError(409, `Conflict: ${detail}`);
export const tooLarge = () => new ApiError(413, "Request Entity Too Large");
export const tooManyRequests = (retryAfter: number) =>
  new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
export const internalError = () => new ApiError(500, "Internal Server Error");

export const required = (name: string) => badRequest(`parameter "${name}" is required`);
export const chatNotFound = () => badRequest("chat not found");
export const queryTooOld = () =>
  badRequest("query is too old and response timeout expired or query ID is invalid");
