import { describe, expect, it } from "vitest";
import { retryAfterHeaderMs, retryAfterMs, upstreamBudgetOf } from "./rate-limit-headers.ts";

const headers = (values: Record<string, string> = {}) => new Headers(values);

describe("retryAfterHeaderMs", () => {
  const read = (value?: string) =>
    retryAfterHeaderMs(new Headers(value === undefined ? {} : { "retry-after": value }), 0);

  it("reads seconds or an HTTP date", () => {
    expect(read("3")).toBe(3_000);
    expect(read("Thu, 01 Jan 1970 00:00:04 GMT")).toBe(4_000);
  });

  it("gives nothing for an absent or unreadable header", () => {
    expect([read(), read(""), read("-1"), read("soon")]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("retryAfterMs, the one rule of every provider", () => {
  it("takes Retry-After first, then the body's seconds, then its text, then ratelimit-reset", () => {
    const all = headers({ "retry-after": "3", "ratelimit-reset": "5" });
    expect(retryAfterMs(all, { seconds: 9, text: "in ~7s" })).toBe(3_000);
    const reset = headers({ "ratelimit-reset": "5" });
    expect(retryAfterMs(reset, { seconds: 9, text: "in ~7s" })).toBe(9_000);
    expect(retryAfterMs(reset, { text: "Your rate limit resets in ~7s." })).toBe(7_000);
    expect(retryAfterMs(reset, { text: "Expected available in 2 seconds." })).toBe(2_000);
    expect(retryAfterMs(reset, { text: "Request was throttled." })).toBe(5_000);
  });

  it("falls back to the upstream's default, one second unless it says", () => {
    expect(retryAfterMs(headers())).toBe(1_000);
    expect(retryAfterMs(headers(), {}, 2_000)).toBe(2_000);
    expect(retryAfterMs(headers({ "retry-after": "soon" }), { seconds: -1 }, 2_000)).toBe(2_000);
  });
});

describe("upstreamBudgetOf", () => {
  it("reads ratelimit-remaining and ratelimit-reset when both are there", () => {
    const budget = (values: Record<string, string>) => upstreamBudgetOf(headers(values), 1_000, 3_500);
    expect(budget({ "ratelimit-remaining": "599", "ratelimit-reset": "1" })).toEqual({
      remaining: 599,
      resetMs: 1000,
      ageMs: 2_500,
    });
    expect(budget({ "ratelimit-remaining": "5" })).toBeUndefined();
    expect(budget({ "ratelimit-remaining": "x", "ratelimit-reset": "1" })).toBeUndefined();
  });
});
