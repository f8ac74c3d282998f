/**
 * Replicate's error answers translated into GatewayError (reference/replicate.md §6). Messages
 * carry what Replicate said, never the API token.
 */
import { z } from "zod";
import type { StatedLimit } from "../../core/adaptive-limit.ts";
import { GatewayError, type InvalidField } from "../../core/errors.ts";
import { retryAfterMs as readRetryAfter } from "../toolkit/rate-limit-headers.ts";
import { type Upstream, upstreamStatusError } from "../toolkit/upstream-errors.ts";

const problemSchema = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  retry_after: z.number().optional(),
  invalid_fields: z
    .array(z.looseObject({ type: z.string(), field: z.string(), description: z.string() }))
    .optional(),
});
type Problem = z.infer<typeof problemSchema>;

const MAX_DETAIL = 500;
export const REPLICATE: Upstream = { name: "Replicate", keySetting: "REPLICATE_API_TOKEN" };

export function parseProblem(text: string): Problem {
  try {
    const parsed = problemSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: the text itself is the detail
  }
  return text.trim() === "" ? {} : { detail: text.trim().slice(0, MAX_DETAIL) };
}

/** How long to wait after a 429: the toolkit's one rule, with what Replicate's body said. */
export function retryAfterMs(headers: Headers, problem: Problem, now = Date.now()): number {
  return readRetryAfter(headers, { seconds: problem.retry_after, text: problem.detail }, undefined, now);
}

/**
 * The limit a 429 states: Replicate says it when it lowered an account's ("Your rate limit for
 * creating predictions is reduced to 6 requests per minute with a burst of 1 requests …",
 * reference/replicate.md §6.1).
 */
export function statedLimit(problem: Problem): StatedLimit | undefined {
  const detail = problem.detail ?? "";
  const stated = /(\d+(?:\.\d+)?)\s+requests?\s+per\s+(second|minute|hour)\b/i.exec(detail);
  if (!stated) return undefined;
  const perUnit = Number(stated[1]);
  const unit = stated[2]?.toLowerCase();
  const perMinute = unit === "second" ? perUnit * 60 : unit === "hour" ? perUnit / 60 : perUnit;
  if (!(perMinute > 0)) return undefined;
  const burst = Number(/burst of\s+(\d+)/i.exec(detail)?.[1]);
  return { perMinute, ...(burst > 0 && { burst }) };
}

/** A non-2xx answer from Replicate as a GatewayError; `what` says what gengate was doing. */
export function upstreamError(status: number, headers: Headers, text: string, what: string): GatewayError {
  const problem = parseProblem(text);
  const said = problem.detail ?? problem.title ?? "";
  // Replicate's own: a 422 names each invalid field.
  if (status === 422 && problem.invalid_fields) {
    const invalidFields: InvalidField[] = problem.invalid_fields.map(({ type, field, description }) => ({
      type,
      field,
      description,
    }));
    return new GatewayError("invalid_input", `Replicate rejected the input: ${said || "HTTP 422"}`, {
      retryable: false,
      providerDetail: said || "HTTP 422",
      invalidFields,
    });
  }
  return upstreamStatusError(REPLICATE, {
    status,
    detail: said,
    what,
    ...(status === 429 && {
      retryAfterMs: retryAfterMs(headers, problem),
      statedLimit: statedLimit(problem),
    }),
  });
}
