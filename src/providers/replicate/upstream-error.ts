/**
 * Replicate's error answers translated into GatewayError (reference/replicate.md §6). Messages
 * carry what Replicate said, never the API token.
 */
import { z } from "zod";
import { GatewayError, type InvalidField } from "../../core/errors.ts";

const problemSchema = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  retry_after: z.number().optional(),
  invalid_fields: z
    .array(z.looseObject({ type: z.string(), field: z.string(), description: z.string() }))
    .optional(),
});
type Problem = z.infer<typeof problemSchema>;

const DEFAULT_RETRY_MS = 1_000;
const MAX_DETAIL = 500;

export function parseProblem(text: string): Problem {
  try {
    const parsed = problemSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // not JSON: the text itself is the detail
  }
  return text.trim() === "" ? {} : { detail: text.trim().slice(0, MAX_DETAIL) };
}

const seconds = (value: string | null | undefined): number | undefined => {
  if (value === null || value === undefined || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number * 1000 : undefined;
};

/**
 * How long to wait after a 429: `Retry-After` (seconds or a date), then the body's `retry_after`,
 * then "~Ns" / "N seconds" in `detail`, then `ratelimit-reset`.
 */
export function retryAfterMs(headers: Headers, problem: Problem, now = Date.now()): number {
  const header = headers.get("retry-after");
  const fromHeader = seconds(header) ?? (header ? Date.parse(header) - now : Number.NaN);
  if (Number.isFinite(fromHeader)) return Math.max(0, fromHeader);
  if (problem.retry_after !== undefined && problem.retry_after >= 0) return problem.retry_after * 1000;
  const inDetail = /~\s*(\d+(?:\.\d+)?)\s*s\b|(\d+(?:\.\d+)?)\s*seconds?\b/.exec(problem.detail ?? "");
  const fromDetail = seconds(inDetail?.[1] ?? inDetail?.[2]);
  if (fromDetail !== undefined) return fromDetail;
  return seconds(headers.get("ratelimit-reset")) ?? DEFAULT_RETRY_MS;
}

/** A non-2xx answer from Replicate as a GatewayError; `what` says what gengate was doing. */
export function upstreamError(status: number, headers: Headers, text: string, what: string): GatewayError {
  const problem = parseProblem(text);
  const said = problem.detail ?? problem.title ?? `HTTP ${status}`;
  const providerDetail = said;
  const fail = (code: ConstructorParameters<typeof GatewayError>[0], message: string, retryable = false) =>
    new GatewayError(code, message, { retryable, providerDetail });
  if (status === 422) {
    const invalidFields: InvalidField[] | undefined = problem.invalid_fields?.map(
      ({ type, field, description }) => ({ type, field, description }),
    );
    return new GatewayError("invalid_input", `Replicate rejected the input: ${said}`, {
      retryable: false,
      providerDetail,
      ...(invalidFields && { invalidFields }),
    });
  }
  if (status === 401)
    return fail(
      "unauthenticated",
      "Replicate did not accept REPLICATE_API_TOKEN; check gengate's configuration",
    );
  if (status === 403)
    return fail("forbidden", `Replicate refused ${what} for the account of REPLICATE_API_TOKEN: ${said}`);
  if (status === 402) return fail("payment_required", `Replicate needs payment for ${what}: ${said}`);
  if (status === 404) return fail("not_found", `Replicate: not found while ${what}: ${said}`);
  if (status === 413) return fail("payload_too_large", `Replicate: too large while ${what}: ${said}`);
  if (status === 409) return fail("conflict", `Replicate: conflict while ${what}: ${said}`);
  if (status === 429) {
    return new GatewayError("rate_limited", `Replicate throttled ${what}: ${said}`, {
      retryAfterMs: retryAfterMs(headers, problem),
      providerDetail,
    });
  }
  if (status === 503)
    return fail("provider_unavailable", `Replicate is unavailable (${what}): ${said}`, true);
  if (status >= 500) return fail("provider_error", `Replicate failed while ${what}: ${said}`, true);
  return fail("bad_request", `Replicate rejected ${what}: ${said}`);
}
