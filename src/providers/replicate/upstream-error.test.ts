import { describe, expect, it } from "vitest";
import { retryAfterMs, upstreamError } from "./upstream-error.ts";

const headers = (values: Record<string, string> = {}) => new Headers(values);

describe("retryAfterMs", () => {
  it("prefers Retry-After, in seconds or as a date", () => {
    const problem = { retry_after: 9, detail: "Your rate limit resets in ~7s." };
    expect(retryAfterMs(headers({ "retry-after": "3", "ratelimit-reset": "5" }), problem)).toBe(3000);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterMs(headers({ "retry-after": "Wed, 01 Jan 2025 00:00:04 GMT" }), {}, now)).toBe(4000);
  });

  it("then the body's retry_after, then the detail, then ratelimit-reset", () => {
    const reset = headers({ "ratelimit-reset": "5" });
    expect(retryAfterMs(reset, { retry_after: 9, detail: "resets in ~7s" })).toBe(9000);
    expect(retryAfterMs(reset, { detail: "Request was throttled. Your rate limit resets in ~7s." })).toBe(
      7000,
    );
    expect(retryAfterMs(reset, { detail: "Request was throttled. Expected available in 2 seconds." })).toBe(
      2000,
    );
    expect(retryAfterMs(reset, { detail: "Request was throttled." })).toBe(5000);
  });

  it("falls back to one second", () => {
    expect(retryAfterMs(headers(), {})).toBe(1000);
  });
});

describe("upstreamError", () => {
  const map = (status: number, body: unknown, h = headers()) =>
    upstreamError(status, h, typeof body === "string" ? body : JSON.stringify(body), "creating a prediction");

  it("keeps Replicate's invalid fields on a 422, not retryable", () => {
    const error = map(422, {
      title: "Input validation failed",
      detail: "- input: prompt is required\n",
      invalid_fields: [{ type: "required", field: "input", description: "prompt is required" }],
    });
    expect([error.code, error.retryable, error.status]).toEqual(["invalid_input", false, 422]);
    expect(error.invalidFields).toEqual([
      { type: "required", field: "input", description: "prompt is required" },
    ]);
  });

  it("makes 401 and 403 gengate's configuration problem: a 502 naming REPLICATE_API_TOKEN, not retryable", () => {
    for (const status of [401, 403]) {
      const refused = map(status, { title: "Unauthenticated", detail: "You did not pass a valid token" });
      expect([refused.code, refused.status, refused.retryable]).toEqual(["provider_error", 502, false]);
      expect(refused.configSetting).toBe("REPLICATE_API_TOKEN");
      expect(refused.message).toMatch(/^gengate is misconfigured: .*REPLICATE_API_TOKEN/);
    }
  });

  it.each([
    [402, "payment_required", false],
    [404, "not_found", false],
    [413, "payload_too_large", false],
    [400, "bad_request", false],
    [500, "provider_error", true],
    [502, "provider_error", true],
    [503, "provider_unavailable", true],
  ] as const)("maps %i to %s (retryable: %s)", (status, code, retryable) => {
    const error = map(status, { detail: "something" });
    expect([error.code, error.retryable]).toEqual([code, retryable]);
  });

  it("turns a 429 into rate_limited with the delay", () => {
    const error = map(429, { detail: "Request was throttled. Your rate limit resets in ~4s." });
    expect([error.code, error.retryable, error.retryAfterMs]).toEqual(["rate_limited", true, 4000]);
  });

  it("uses a body that is not JSON as the detail", () => {
    expect(map(500, "upstream connect error").message).toContain("upstream connect error");
  });
});

describe("what Replicate says of its limits", () => {
  it("reads the lowered limit a 429 states, per minute", () => {
    const detail =
      "Request was throttled. Your rate limit for creating predictions is reduced to 6 requests per minute with a burst of 1 requests while you have less than $5.0 in credit. Your rate limit resets in ~5s.";
    const error = upstreamError(
      429,
      headers(),
      JSON.stringify({ detail, status: 429, retry_after: 5 }),
      "creating",
    );
    expect([error.code, error.retryAfterMs, error.statedLimit]).toEqual([
      "rate_limited",
      5000,
      { perMinute: 6, burst: 1 },
    ]);
    const perSecond = upstreamError(
      429,
      headers(),
      JSON.stringify({ detail: "limited to 2 requests per second" }),
      "x",
    );
    expect(perSecond.statedLimit).toEqual({ perMinute: 120 });
    const plain = upstreamError(
      429,
      headers(),
      JSON.stringify({ detail: "Request was throttled. Expected available in 1 second." }),
      "x",
    );
    expect(plain.statedLimit).toBeUndefined();
  });
});
