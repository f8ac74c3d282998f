import { describe, expect, it } from "vitest";
import { mayHaveArrived, upstreamStatusError } from "./upstream-errors.ts";

const RUNPOD = { name: "RunPod", keySetting: "RUNPOD_API_KEY" };
const map = (status: number, detail = "something") =>
  upstreamStatusError(RUNPOD, { status, detail, what: "submitting the job", retryAfterMs: 3_000 });

describe("the status → error table", () => {
  it("makes a refusal of gengate's own key a 502 naming the setting, never the upstream's 401", () => {
    for (const status of [401, 403]) {
      const error = map(status, "Unauthorized");
      expect([error.code, error.status, error.retryable]).toEqual(["provider_error", 502, false]);
      expect(error.configSetting).toBe("RUNPOD_API_KEY");
      expect(error.message).toMatch(
        /^gengate is misconfigured: RunPod answered HTTP 40[13] while submitting/,
      );
      expect(error.message).toContain("nothing is wrong with your request or token");
    }
  });

  it.each([
    [402, "payment_required", false],
    [404, "not_found", false],
    [409, "conflict", false],
    [413, "payload_too_large", false],
    [422, "invalid_input", false],
    [400, "bad_request", false],
    [500, "provider_error", true],
    [502, "provider_error", true],
    [503, "provider_unavailable", true],
  ] as const)(
    "maps %i to %s (retryable: %s), with the status and what was said",
    (status, code, retryable) => {
      const error = map(status);
      expect([error.code, error.retryable, error.configSetting]).toEqual([code, retryable, undefined]);
      expect(error.message).toContain(`(HTTP ${status}): something`);
    },
  );

  it("keeps the delay of a 429 only", () => {
    expect(map(429)).toMatchObject({ code: "rate_limited", retryable: true, retryAfterMs: 3_000 });
    expect(map(503).retryAfterMs).toBeUndefined();
  });
});

describe("mayHaveArrived", () => {
  const failed = (cause: Error) => new TypeError("fetch failed", { cause });
  const coded = (code: string) => Object.assign(new Error(code), { code });

  it("is false only when no connection was made", () => {
    expect(mayHaveArrived(failed(coded("ECONNREFUSED")))).toBe(false);
    expect(mayHaveArrived(failed(coded("ENOTFOUND")))).toBe(false);
    expect(mayHaveArrived(failed(new AggregateError([coded("ECONNREFUSED")], "connect failed")))).toBe(false);
  });

  it("is true for a connection lost after sending, and for a timeout", () => {
    expect(mayHaveArrived(failed(coded("UND_ERR_SOCKET")))).toBe(true);
    expect(mayHaveArrived(failed(coded("ECONNRESET")))).toBe(true);
    expect(mayHaveArrived(new DOMException("The operation was aborted due to timeout", "TimeoutError"))).toBe(
      true,
    );
  });
});
